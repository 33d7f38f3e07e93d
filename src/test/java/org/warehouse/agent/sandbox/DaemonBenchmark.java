package org.warehouse.agent.sandbox;

import java.net.ServerSocket;
import java.nio.file.Files;
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
 * (argument 2, default 200) to show whether memory grows. Not a test: figures, no thresholds.
 */
public final class DaemonBenchmark {
  private DaemonBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int soak = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    SandboxSupport.assumeAvailable();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (SandboxHost host = SandboxHost.start()) {
      Sandbox s = host.sandbox();
      AgentInSandbox agent = new AgentInSandbox(host);
      host.publish(host.buildWarehouse("18.09.01"));
      agent.configure(
          AgentInSandbox.standardConfig(host.server().uri().toString(), "")
                  .replace("interval: 30m\n", "")
              + "interval: 1h\nfirst_run_delay: 1s\nmetrics:\n  listen: 127.0.0.1:"
              + port
              + "\n",
          Map.of("10-warehouse.yml", "warehouse:\n  config:\n    site: pypi\n"));
      DaemonUnit.install(s);
      s.checkOutput("systemctl", "start", DaemonUnit.UNIT);
      Await.until(
          "the first converge",
          Duration.ofMinutes(2),
          () -> Files.exists(s.hostPath("/var/lib/warehouse-agent/last-run.json")));
      for (int i = 0; i < 3; i++) {
        requireNoOp(agent.converge());
      }

      List<Double> inDaemon = new ArrayList<>();
      List<Double> cliViaDaemon = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        ExecResult r = requireNoOp(agent.converge());
        inDaemon.add(durationMs(r));
        cliViaDaemon.add(r.elapsed().toNanos() / 1e6);
      }
      // Where the in-daemon time of the last no-op went, resource by resource.
      String lastRun = s.readFile("/var/lib/warehouse-agent/last-run.json");
      List<String> breakdown = new ArrayList<>();
      Matcher step =
          Pattern.compile("\"id\" : \"([^\"]+)\"[^}]*?\"durationMs\" : (\\d+)").matcher(lastRun);
      while (step.find()) {
        breakdown.add(String.format("    %-60s %5s ms", step.group(1), step.group(2)));
      }
      Thread.sleep(15_000);
      long pid = DaemonUnit.mainPid(s);
      double idleRss = rssKib(s, pid);

      List<String> soakLines = new ArrayList<>();
      for (int i = 1; i <= soak; i++) {
        requireNoOp(agent.converge());
        if (i % Math.max(1, soak / 5) == 0) {
          soakLines.add(
              String.format("  after %4d converges: RSS %.1f MiB", i, rssKib(s, pid) / 1024));
        }
      }

      s.checkOutput("systemctl", "stop", DaemonUnit.UNIT);
      List<Double> inProcess = new ArrayList<>();
      List<Double> cliInProcess = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        ExecResult r = requireNoOp(agent.converge());
        inProcess.add(durationMs(r));
        cliInProcess.add(r.elapsed().toNanos() / 1e6);
      }

      System.out.println();
      System.out.printf(
          "warehouse-agent daemon benchmark (medians of %d runs; no-op = 304, nothing to do)%n",
          runs);
      System.out.printf(
          "  idle daemon RSS (launcher flags, after %d converges): %.1f MiB%n",
          runs + 3, idleRss / 1024);
      System.out.printf(
          "  no-op converge inside the daemon (report durationMs): %.0f ms%n", median(inDaemon));
      System.out.printf(
          "  agent converge --now, daemon running (wall):          %.0f ms%n",
          median(cliViaDaemon));
      System.out.printf(
          "  agent converge --now, no daemon (wall):               %.0f ms%n",
          median(cliInProcess));
      System.out.printf(
          "    of which the converge itself (report durationMs):    %.0f ms%n", median(inProcess));
      System.out.println("    last no-op in the daemon, by resource:");
      breakdown.forEach(System.out::println);
      System.out.println("  RSS across converges in one daemon:");
      soakLines.forEach(System.out::println);
      System.out.println("  (wall times include nsenter into the sandbox, a few ms)");
    }
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
