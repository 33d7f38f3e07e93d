package org.warehouse.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a changing converge costs against the same steps done by hand (bench.sh part {@code
 * change}): a new release published, then either {@code agent converge --now} (no daemon: the
 * transaction computed and simulated, the .debs kept, installed, warehouse-web restarted and
 * healthy) or, in the same sandbox, {@code apt-get update} confined to the agent's list, {@code
 * apt-get install}, {@code systemctl restart} and a poll of the health URL every 50 ms until it
 * answers: the floor any tool pays. Rounds alternate; medians of each, and their ratio. Not a test:
 * figures only.
 */
public final class ChangeCostBenchmark {
  private static final String LIST = "/etc/apt/sources.list.d/warehouse-agent.list";

  private ChangeCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    SandboxSupport.assumeAvailable();
    String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
    try (SandboxHost host = SandboxHost.start()) {
      AgentInSandbox agent = new AgentInSandbox(host);
      int release = 1;
      Path previous = host.buildWarehouse(version(release));
      host.publish(previous);
      agent.configure(
          AgentInSandbox.healthCheckedConfig(host, "30s"), AgentInSandbox.webAttributes(host));
      ExecResult first = agent.converge();
      if (first.exitCode() != 2) {
        throw new IllegalStateException("the first install failed: " + first);
      }
      String hand = handScript(host.healthUrl());
      List<Double> agentMs = new ArrayList<>();
      List<Double> handMs = new ArrayList<>();
      for (int round = 0; round <= rounds; round++) {
        for (boolean byAgent : new boolean[] {true, false}) {
          release++;
          Path next = host.buildWarehouse(version(release));
          host.publish(previous, next);
          previous = next;
          long t0 = System.nanoTime();
          ExecResult r =
              byAgent
                  ? agent.converge()
                  : host.sandbox()
                      .exec(List.of("/bin/sh", "-c", hand), Map.of(), Duration.ofMinutes(3));
          double ms = (System.nanoTime() - t0) / 1e6;
          if (byAgent ? r.exitCode() != 2 : r.exitCode() != 0) {
            throw new IllegalStateException((byAgent ? "agent" : "by hand") + " failed: " + r);
          }
          String served = host.sandbox().httpGet(host.healthUrl()).body();
          if (!served.contains("\"" + version(release) + "\"")) {
            throw new IllegalStateException("not serving " + version(release) + ": " + served);
          }
          if (round > 0) { // round 0 warms caches on both sides
            (byAgent ? agentMs : handMs).add(ms);
          }
        }
      }
      double a = BenchStats.median(agentMs);
      double h = BenchStats.median(handMs);
      System.out.printf(
          "change: load %s; %d alternating rounds, medians%n"
              + "  agent converge --now (no daemon; plan, simulate, keep, install, restart, healthy)"
              + " %.0f ms%n"
              + "  by hand (apt-get update + install, systemctl restart, health poll every 50 ms)"
              + " %.0f ms%n"
              + "  ratio %.2f (goal <= 1.3)%n"
              + "  agent runs: %s%n  by hand: %s%n",
          load0, rounds, a, h, a / h, agentMs, handMs);
    }
  }

  private static String version(int release) {
    return "18.09.%02d".formatted(release);
  }

  /** The steps by hand, as an operator would type them (one shell: no JVM, no planning). */
  private static String handScript(String healthUrl) {
    String confine =
        "-o Dir::Etc::sourcelist="
            + LIST
            + " -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0";
    return "set -e; export DEBIAN_FRONTEND=noninteractive; apt-get -qq "
        + confine
        + " update; apt-get -qq -y "
        + confine
        + " install warehouse >/dev/null; systemctl restart warehouse-web; until curl -fsS -o"
        + " /dev/null --max-time 1 "
        + healthUrl
        + "; do sleep 0.05; done";
  }
}
