package org.warehouse.agent.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.daemon.FleetSimulation;

/**
 * test-fixtures/bench.sh repo-load: what one host costs the repository, counted by the fixture
 * server's request log: requests and body bytes of the daemon's converge when nothing changed
 * against {@code apt-get update} when nothing changed (confined to the agent's source list, as the
 * agent's own update is), and of a converge that installs a newly published version against {@code
 * apt-get update} after a publish; medians of N (argument 1, default 5). Then the 10,000-host
 * simulation ({@link FleetSimulation}) with those figures and the default interval and splay (30m,
 * 5m). Not a test: figures, no thresholds.
 */
public final class RepositoryLoadBenchmark {
  private RepositoryLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    SandboxSupport.assumeAvailable();
    try (SandboxHost host = SandboxHost.start()) {
      Sandbox s = host.sandbox();
      List<Path> published = new ArrayList<>();
      published.add(host.buildWarehouse("18.09.01"));
      host.publish(published.toArray(Path[]::new));
      BenchDaemon daemon =
          BenchDaemon.start(host, "interval: 1h\nsplay: 1s\nfirst_run_delay: 1s\n", 0);
      daemon.convergeViaSocket();
      List<String> aptUpdate =
          List.of(
              "apt-get",
              "update",
              "-qq",
              "-o",
              "Dir::Etc::sourcelist=/etc/apt/sources.list.d/warehouse-agent.list",
              "-o",
              "Dir::Etc::sourceparts=-",
              "-o",
              "APT::Get::List-Cleanup=0");
      s.exec(aptUpdate).requireSuccess();

      List<Double> agentReq = new ArrayList<>();
      List<Double> agentBytes = new ArrayList<>();
      List<Double> aptReq = new ArrayList<>();
      List<Double> aptBytes = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        host.server().clearRequests();
        requireResult(daemon.convergeViaSocket(), "unchanged");
        agentReq.add((double) host.server().requests().size());
        agentBytes.add(bytes(host));
        host.server().clearRequests();
        s.exec(aptUpdate).requireSuccess();
        aptReq.add((double) host.server().requests().size());
        aptBytes.add(bytes(host));
      }
      String noopPaths = paths(host);

      List<Double> changeReq = new ArrayList<>();
      List<Double> changeBytes = new ArrayList<>();
      List<Double> changeSeconds = new ArrayList<>();
      List<Double> aptChangeReq = new ArrayList<>();
      List<Double> aptChangeBytes = new ArrayList<>();
      String changePaths = "";
      for (int i = 0; i < rounds; i++) {
        published.add(host.buildWarehouse(String.format("18.10.%03d", 2 * i + 1)));
        host.publish(published.toArray(Path[]::new));
        host.server().clearRequests();
        RunReport r = daemon.convergeViaSocket();
        requireResult(r, "changed");
        changeReq.add((double) host.server().requests().size());
        changeBytes.add(bytes(host));
        changeSeconds.add(r.durationMs() / 1000.0);
        changePaths = paths(host);
        published.add(host.buildWarehouse(String.format("18.10.%03d", 2 * i + 2)));
        host.publish(published.toArray(Path[]::new));
        host.server().clearRequests();
        s.exec(aptUpdate).requireSuccess();
        aptChangeReq.add((double) host.server().requests().size());
        aptChangeBytes.add(bytes(host));
        // The next round's agent run installs the version apt just saw: same cost as above.
        requireResult(daemon.convergeViaSocket(), "changed");
      }
      s.exec(List.of("systemctl", "stop", DaemonUnit.UNIT));

      System.out.println();
      System.out.printf(
          "repository load per host (fixture server's request log; medians of %d; %d packages"
              + " in the repository at the end)%n",
          rounds, published.size());
      System.out.printf(
          "  nothing changed:  agent converge %4.0f requests %7.0f bytes | apt-get update %4.0f"
              + " requests %7.0f bytes | agent/apt requests %.2f bytes %s%n",
          BenchStats.median(agentReq),
          BenchStats.median(agentBytes),
          BenchStats.median(aptReq),
          BenchStats.median(aptBytes),
          BenchStats.median(agentReq) / BenchStats.median(aptReq),
          ratio(BenchStats.median(agentBytes), BenchStats.median(aptBytes)));
      System.out.println("    agent's requests: " + noopPaths);
      System.out.printf(
          "  after a publish:  agent converge (installs) %4.0f requests %7.0f bytes in %.1f s |"
              + " apt-get update alone %4.0f requests %7.0f bytes%n",
          BenchStats.median(changeReq),
          BenchStats.median(changeBytes),
          BenchStats.median(changeSeconds),
          BenchStats.median(aptChangeReq),
          BenchStats.median(aptChangeBytes));
      System.out.println("    agent's requests: " + changePaths);
      System.out.println();
      System.out.print(
          FleetSimulation.report(
              hosts,
              Duration.ofMinutes(30),
              Duration.ofMinutes(5),
              new FleetSimulation.PerHost(
                  BenchStats.median(agentReq),
                  BenchStats.median(agentBytes),
                  BenchStats.median(changeReq),
                  BenchStats.median(changeBytes),
                  BenchStats.median(changeSeconds)),
              42));
    }
  }

  private static String ratio(double a, double b) {
    return b == 0
        ? (a == 0 ? "n/a (both 0: 304, headers only)" : "inf")
        : String.format("%.2f", a / b);
  }

  private static double bytes(SandboxHost host) {
    return host.server().requests().stream().mapToLong(RepositoryServer.Request::bytes).sum();
  }

  private static String paths(SandboxHost host) {
    return String.join(
        ", ",
        host.server().requests().stream()
            .map(r -> r.method() + " " + r.path() + " " + r.status() + " (" + r.bytes() + " B)")
            .toList());
  }

  private static void requireResult(RunReport r, String result) {
    if (!result.equals(r.result().label())) {
      throw new IllegalStateException(
          "expected " + result + ", got " + r.result() + ": " + r.error());
    }
  }
}
