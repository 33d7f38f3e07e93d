package org.warehouse.agent.sandbox;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * test-fixtures/bench-daemon.sh: the daemon's cost on a sandboxed host, under its systemd unit.
 * Prints the idle RSS (after converging), the in-daemon time of a no-op converge (the repository
 * answers 304), and the wall time of {@code agent converge --now} from a shell with and without a
 * daemon; medians of N runs (argument 1, default 7), and RSS across M converges in the daemon
 * (argument 2, default 200) to show whether memory grows. With a baseline launcher (argument 3,
 * e.g. another commit's target/bin/agent), every figure is taken for both builds in the same
 * sandbox, the runs of the two alternating, and printed side by side with their ratio. Not a test:
 * figures, no thresholds.
 */
public final class DaemonBenchmark {
  private DaemonBenchmark() {}

  /** One build's figures. */
  private static final class Figures {
    final List<Double> inDaemon = new ArrayList<>();
    final List<Double> cliViaDaemon = new ArrayList<>();
    final List<Double> inProcess = new ArrayList<>();
    final List<Double> cliInProcess = new ArrayList<>();
    double idleRss;
    final List<String> breakdown = new ArrayList<>();
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int soak = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path baselineLauncher = args.length > 2 && !args[2].isBlank() ? Path.of(args[2]) : null;
    SandboxSupport.assumeAvailable();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (SandboxHost host = SandboxHost.start()) {
      Sandbox s = host.sandbox();
      AgentInSandbox agent = new AgentInSandbox(host);
      AgentInSandbox baseline =
          baselineLauncher == null ? null : new AgentInSandbox(host, baselineLauncher);
      host.publish(host.buildWarehouse("18.09.01"));
      agent.configure(
          AgentInSandbox.standardConfig(host.server().uri().toString(), "")
                  .replace("interval: 30m\n", "")
              + "interval: 1h\nfirst_run_delay: 1s\nmetrics:\n  listen: 127.0.0.1:"
              + port
              + "\n",
          Map.of("10-warehouse.yml", "warehouse:\n  config:\n    site: pypi\n"));
      Figures ours = new Figures();
      Figures theirs = new Figures();

      // The baseline's daemon first (when there is one), each client of it timed alternately.
      List<String> soakLines = new ArrayList<>();
      if (baseline != null) {
        daemonPhase(s, baselineLauncher, baseline, theirs, agent, ours, runs);
      }
      daemonPhase(s, Fixtures.agentLauncher(), agent, ours, baseline, theirs, runs);
      long pid = DaemonUnit.mainPid(s);
      for (int i = 1; i <= soak; i++) {
        requireNoOp(agent.converge());
        if (i % Math.max(1, soak / 5) == 0) {
          soakLines.add(
              String.format("  after %4d converges: RSS %.1f MiB", i, rssKib(s, pid) / 1024));
        }
      }
      s.checkOutput("systemctl", "stop", DaemonUnit.UNIT);

      for (int i = 0; i < runs; i++) {
        ExecResult r = requireNoOp(agent.converge());
        ours.inProcess.add(durationMs(r));
        ours.cliInProcess.add(r.elapsed().toNanos() / 1e6);
        if (baseline != null) {
          ExecResult b = requireNoOp(baseline.converge());
          theirs.inProcess.add(durationMs(b));
          theirs.cliInProcess.add(b.elapsed().toNanos() / 1e6);
        }
      }

      // What the path into the sandbox costs by itself: nsenter and a process that does nothing.
      List<Double> nothing = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        nothing.add(s.exec(List.of("true")).requireSuccess().elapsed().toNanos() / 1e6);
      }

      System.out.println();
      System.out.printf(
          "warehouse-agent daemon benchmark (medians of %d runs; no-op = 304, nothing to do)%n",
          runs);
      if (baseline != null) {
        System.out.printf("  %-58s %9s %9s %6s%n", "", "this", "baseline", "ratio");
      }
      row(
          "idle daemon RSS after " + (runs + 3) + " converges (MiB)",
          List.of(ours.idleRss / 1024),
          baseline == null ? null : List.of(theirs.idleRss / 1024));
      row(
          "no-op converge inside the daemon (report, ms)",
          ours.inDaemon,
          baseline == null ? null : theirs.inDaemon);
      row(
          "agent converge --now, daemon running (wall, ms)",
          ours.cliViaDaemon,
          baseline == null ? null : theirs.cliViaDaemon);
      row(
          "agent converge --now, no daemon (wall, ms)",
          ours.cliInProcess,
          baseline == null ? null : theirs.cliInProcess);
      row(
          "  of which the converge itself (report, ms)",
          ours.inProcess,
          baseline == null ? null : theirs.inProcess);
      row("`true` through the same path into the sandbox (wall, ms)", nothing, null);
      System.out.println("    last no-op in the daemon, by resource:");
      ours.breakdown.forEach(System.out::println);
      System.out.println("  RSS across converges in one daemon:");
      soakLines.forEach(System.out::println);
      if (baseline != null) {
        System.out.println("  baseline: " + baselineLauncher.toAbsolutePath());
      }
    }
  }

  // Runs the daemon of one build under the unit and times its no-op runs; the other build's
  // client (if any) takes turns with this one's against the same daemon.
  private static void daemonPhase(
      Sandbox s,
      Path launcher,
      AgentInSandbox client,
      Figures figures,
      AgentInSandbox otherClient,
      Figures otherFigures,
      int runs)
      throws Exception {
    s.exec(List.of("systemctl", "stop", DaemonUnit.UNIT));
    s.exec(List.of("rm", "-f", "/var/lib/warehouse-agent/last-run.json"));
    DaemonUnit.install(s, launcher);
    s.checkOutput("systemctl", "start", DaemonUnit.UNIT);
    Await.until(
        "the first converge",
        Duration.ofMinutes(2),
        () -> Files.exists(s.hostPath("/var/lib/warehouse-agent/last-run.json")));
    for (int i = 0; i < 3; i++) {
      requireNoOp(client.converge());
    }
    for (int i = 0; i < runs; i++) {
      ExecResult r = requireNoOp(client.converge());
      figures.inDaemon.add(durationMs(r));
      figures.cliViaDaemon.add(r.elapsed().toNanos() / 1e6);
      if (otherClient != null) {
        otherFigures.cliViaDaemon.add(
            requireNoOp(otherClient.converge()).elapsed().toNanos() / 1e6);
      }
    }
    // Where the in-daemon time of the last no-op went, resource by resource.
    String lastRun = s.readFile("/var/lib/warehouse-agent/last-run.json");
    Matcher step =
        Pattern.compile("\"id\" ?: ?\"([^\"]+)\"[^}]*?\"durationMs\" ?: ?(\\d+)").matcher(lastRun);
    while (step.find()) {
      figures.breakdown.add(String.format("    %-60s %5s ms", step.group(1), step.group(2)));
    }
    Thread.sleep(15_000);
    figures.idleRss = rssKib(s, DaemonUnit.mainPid(s));
  }

  private static void row(String label, List<Double> ours, List<Double> theirs) {
    if (theirs == null) {
      System.out.printf("  %-58s %9.1f%n", label, median(ours));
      return;
    }
    System.out.printf(
        "  %-58s %9.1f %9.1f %6.2f%n",
        label, median(ours), median(theirs), median(ours) / median(theirs));
  }

  private static ExecResult requireNoOp(ExecResult r) {
    if (r.exitCode() != 0) {
      throw new IllegalStateException("not a no-op converge: " + r);
    }
    return r;
  }

  // "result: unchanged in 12 ms": the run's own duration, as the daemon (or the CLI) timed it.
  private static double durationMs(ExecResult r) {
    Matcher m = Pattern.compile("result: unchanged in (\\d+) ms").matcher(r.stdout());
    if (!m.find()) {
      throw new IllegalStateException("no duration in " + r);
    }
    return Double.parseDouble(m.group(1));
  }

  private static double rssKib(Sandbox s, long pid) {
    for (String line : s.readFile("/proc/" + pid + "/status").split("\n", -1)) {
      if (line.startsWith("VmRSS:")) {
        return Double.parseDouble(line.substring(6).strip().split("\\s+", -1)[0]);
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
