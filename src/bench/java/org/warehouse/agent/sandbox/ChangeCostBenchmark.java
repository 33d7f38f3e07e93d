package org.warehouse.agent.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.state.Json;

/**
 * What a changing converge costs against the same steps done by hand (bench.sh part {@code
 * change}): a new release published, then either {@code agent converge --now} (no daemon: the
 * transaction computed and simulated, the .debs kept, installed, warehouse-web restarted and
 * healthy) or, in the same sandbox, {@code apt-get update} confined to the agent's list, {@code
 * apt-get install}, {@code systemctl restart} and a poll of the health URL every 50 ms until it
 * answers: the floor any tool pays. Then the same through the running daemon, as a fleet's hosts
 * change. Rounds alternate; medians of each, and their ratios. Not a test: figures only.
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
      Releases releases = new Releases(host);
      agent.configure(
          AgentInSandbox.healthCheckedConfig(host, "30s"), AgentInSandbox.webAttributes(host));
      ExecResult first = agent.converge();
      if (first.exitCode() != 2) {
        throw new IllegalStateException("the first install failed: " + first);
      }
      String hand = handScript(host.healthUrl());
      double[] alone = alternate(host, agent, hand, releases, rounds);
      // The way a fleet's hosts change: the daemon runs the converge (no agent JVM to start);
      // converge --now only asks it over the control socket and streams its log.
      DaemonUnit.install(host.sandbox());
      host.sandbox().checkOutput("systemctl", "start", DaemonUnit.UNIT);
      Await.until("the daemon idle", Duration.ofMinutes(2), () -> idle(agent));
      double[] daemon = alternate(host, agent, hand, releases, rounds);
      host.sandbox().checkOutput("systemctl", "stop", DaemonUnit.UNIT);
      System.out.printf(
          "change: load %s; %d alternating rounds each, medians%n"
              + "  by hand (apt-get update + install, systemctl restart, health poll every 50 ms)"
              + " %.0f ms; agent converge --now, no daemon (plan, simulate, keep, install,"
              + " restart, healthy) %.0f ms: ratio %.2f%n"
              + "  by hand %.0f ms; agent converge --now through the running daemon %.0f ms:"
              + " ratio %.2f (goal <= 1.3)%n",
          load0,
          rounds,
          alone[1],
          alone[0],
          alone[0] / alone[1],
          daemon[1],
          daemon[0],
          daemon[0] / daemon[1]);
    }
  }

  /** The releases published so far: each round publishes the next. */
  private static final class Releases {
    private final SandboxHost host;
    private int release = 1;
    private Path previous;

    Releases(SandboxHost host) {
      this.host = host;
      previous = host.buildWarehouse(version(release));
      host.publish(previous);
    }

    String next() {
      release++;
      Path next = host.buildWarehouse(version(release));
      host.publish(previous, next);
      previous = next;
      return version(release);
    }
  }

  /** Medians of {@code rounds} agent converges and as many by hand, alternating: {agent, hand}. */
  private static double[] alternate(
      SandboxHost host, AgentInSandbox agent, String hand, Releases releases, int rounds) {
    List<Double> agentMs = new ArrayList<>();
    List<Double> handMs = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      for (boolean byAgent : new boolean[] {true, false}) {
        String version = releases.next();
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
        if (!served.contains("\"" + version + "\"")) {
          throw new IllegalStateException("not serving " + version + ": " + served);
        }
        if (round > 0) { // round 0 warms caches on both sides
          (byAgent ? agentMs : handMs).add(ms);
        }
      }
    }
    System.out.printf("  agent runs: %s%n  by hand: %s%n", agentMs, handMs);
    return new double[] {BenchStats.median(agentMs), BenchStats.median(handMs)};
  }

  private static boolean idle(AgentInSandbox agent) {
    ExecResult r = agent.run("status", "--json");
    try {
      JsonNode daemon = Json.mapper().readTree(r.stdout()).get("daemon");
      return daemon != null && daemon.get("runningSince").isNull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
