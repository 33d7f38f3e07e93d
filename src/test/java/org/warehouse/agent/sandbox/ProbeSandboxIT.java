package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.warehouse.agent.sandbox.DaemonLooks.lastRun;
import static org.warehouse.agent.sandbox.DaemonLooks.sample;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.state.Json;

/**
 * Fast detection, for real: the daemon under the sandbox's systemd with a 1h interval and a 2s
 * apt.probe_interval. A quiet repository costs 304s and no converge; a failing one is logged once
 * and converges nothing; a published release is installed within seconds, by one converge.
 */
@ExtendWith(SandboxSupport.class)
class ProbeSandboxIT {
  private static final String UNIT = DaemonUnit.UNIT;
  private static final String LAST_RUN = DaemonLooks.LAST_RUN;
  private static final String IN_RELEASE = "/dists/stable/InRelease";
  private static final int PORT = SandboxHost.freeLoopbackPort();

  private static String agentYml(SandboxHost host) {
    return AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("interval: 30m\n", "")
            .replace("apt:\n", "apt:\n  probe_interval: 2s\n")
        + "interval: 1h\nsplay: 2s\nfirst_run_delay: 1s\nmetrics:\n  listen: 127.0.0.1:"
        + PORT
        + "\n";
  }

  private static String metrics(SandboxHost host) {
    return DaemonLooks.metrics(host, PORT);
  }

  private static String probes(String result) {
    return "warehouse_agent_release_probes_total{repository=\"warehouse\",result=\""
        + result
        + "\"}";
  }

  /** Converges of every result, both triggers. */
  private static double converges(String scrape) {
    double n = 0;
    for (String result : new String[] {"changed", "unchanged", "failed"}) {
      for (String trigger : new String[] {"scheduled", "manual"}) {
        n +=
            sample(
                scrape,
                "warehouse_agent_converge_runs_total{result=\""
                    + result
                    + "\",trigger=\""
                    + trigger
                    + "\"}");
      }
    }
    return n;
  }

  private static boolean idle(SandboxHost host) {
    ExecResult r = new AgentInSandbox(host).run("status", "--json");
    try {
      JsonNode daemon = Json.mapper().readTree(r.stdout()).get("daemon");
      return daemon != null && daemon.get("runningSince").isNull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aPublishedReleaseIsInstalledWithinSecondsAndAQuietRepositoryCostsNoConverge(SandboxHost host)
      throws Exception {
    AgentInSandbox agent = new AgentInSandbox(host);
    Sandbox s = host.sandbox();
    Path v1 = host.buildWarehouse("18.09.01");
    host.publish(v1);
    agent.configure(agentYml(host), AgentInSandbox.webAttributes(host));
    DaemonUnit.install(s);
    s.checkOutput("systemctl", "start", UNIT);
    try {
      Await.until(
          "the first converge installs 18.09.01",
          Duration.ofMinutes(2),
          () ->
              Files.exists(s.hostPath(LAST_RUN))
                  && lastRun(host).get("result").asText().equals("changed"));
      Await.until("the daemon idle", Duration.ofSeconds(60), () -> idle(host));
      assertThat(agent.installedVersion()).isEqualTo("18.09.01");

      quietRepositoryCostsNoConverge(host);
      failingRepositoryIsLoggedOnceAndConvergesNothing(host);
      publishedReleaseIsInstalledWithinSeconds(host, agent, v1);
    } catch (AssertionError e) {
      AssertionError withJournal =
          new AssertionError(e.getMessage() + "\n--- journal of " + UNIT + ":\n" + journal(host));
      withJournal.initCause(e);
      throw withJournal;
    }
  }

  private static String journal(SandboxHost host) {
    return host.sandbox().journal(UNIT);
  }

  private static void quietRepositoryCostsNoConverge(SandboxHost host) throws Exception {
    String runId = lastRun(host).get("runId").asText();
    String before = metrics(host);
    host.server().clearRequests();

    Thread.sleep(9_000);

    String after = metrics(host);
    assertThat(sample(after, probes("unchanged")) - sample(before, probes("unchanged")))
        .as("probes in 9 s at a 2 s probe_interval")
        .isBetween(3.0, 6.0);
    assertThat(converges(after)).isEqualTo(converges(before));
    assertThat(lastRun(host).get("runId").asText()).isEqualTo(runId);
    assertThat(host.server().requests(IN_RELEASE))
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.isConditional()).isTrue();
              assertThat(r.status()).isEqualTo(304);
              assertThat(r.bytes()).isZero();
            });
    // Nothing else was asked of the repository: no apt-get update ran.
    assertThat(host.server().requests()).hasSameSizeAs(host.server().requests(IN_RELEASE));
  }

  private static void failingRepositoryIsLoggedOnceAndConvergesNothing(SandboxHost host)
      throws Exception {
    String runId = lastRun(host).get("runId").asText();
    double failedBefore = sample(metrics(host), probes("failed"));
    host.server().setFault(RepositoryServer.Fault.STATUS_500);
    try {
      Await.until(
          "three failed probes",
          Duration.ofSeconds(20),
          () -> sample(metrics(host), probes("failed")) >= failedBefore + 3);
    } finally {
      host.server().setFault(RepositoryServer.Fault.NONE);
    }
    Await.until(
        "the repository answering again",
        Duration.ofSeconds(20),
        () -> journal(host).contains("release probe: repository warehouse answers again"));
    assertThat(journal(host).split("release probe failed: ", -1))
        .as("one warning for the whole outage")
        .hasSize(2);
    assertThat(journal(host)).contains("repository warehouse answered HTTP 500");
    assertThat(lastRun(host).get("runId").asText()).isEqualTo(runId);
  }

  private static void publishedReleaseIsInstalledWithinSeconds(
      SandboxHost host, AgentInSandbox agent, Path v1) throws Exception {
    String runId = lastRun(host).get("runId").asText();
    double convergesBefore = converges(metrics(host));
    Path v2 = host.buildWarehouse("18.09.02");
    long t0 = System.nanoTime();
    double published = System.currentTimeMillis() / 1000.0;

    host.publish(v1, v2);

    Await.until(
        "18.09.02 installed by the daemon",
        Duration.ofSeconds(60),
        () -> agent.installedVersion().equals("18.09.02"));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.println("ProbeSandboxIT: published to installed in " + took.toMillis() + " ms");
    Await.until("the daemon idle", Duration.ofSeconds(60), () -> idle(host));
    // One probe_interval, then one converge (apt-get update, install, restart); the interval is 1h.
    assertThat(took).isLessThan(Duration.ofSeconds(30));
    JsonNode run = lastRun(host);
    assertThat(run.get("runId").asText()).isNotEqualTo(runId);
    assertThat(run.get("result").asText()).isEqualTo("changed");
    assertThat(journal(host)).contains("release probe: new InRelease in warehouse; converging now");
    String scrape = metrics(host);
    assertThat(sample(scrape, probes("changed"))).isEqualTo(1);
    assertThat(sample(scrape, "warehouse_agent_release_last_change_timestamp_seconds"))
        .isGreaterThanOrEqualTo(published - 1);
    assertThat(converges(scrape)).isEqualTo(convergesBefore + 1);
    assertThat(sample(scrape, "warehouse_agent_next_run_timestamp_seconds"))
        .as("not the schedule's doing")
        .isGreaterThan(published + 600);

    // The change counts once: more probes, no more converges.
    Thread.sleep(5_000);
    String later = metrics(host);
    assertThat(converges(later)).isEqualTo(convergesBefore + 1);
    assertThat(sample(later, probes("changed"))).isEqualTo(1);
  }
}
