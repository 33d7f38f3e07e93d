package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A repository that stops changing must not look current forever: the agent refreshes after
 * apt.max_index_age even when InRelease answers 304, fails the run once the index is past its
 * Valid-Until (held, or replayed), and gives up on a trickling InRelease at poll_timeout. Real apt
 * against the fixture repository, the agent in process inside the sandbox.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepositoryFreezeSandboxIT {
  private static final String INRELEASE = "/dists/stable/InRelease";
  private static final Duration MAX_INDEX_AGE = Duration.ofSeconds(20);

  private static String output(ExecResult r) {
    return r.stdout() + r.stderr();
  }

  private static List<RepositoryServer.Request> aptRequests(SandboxHost host) {
    return host.server().requests(INRELEASE).stream()
        .filter(r -> r.header("User-Agent").orElse("").startsWith("Debian APT"))
        .toList();
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  @Test
  @Order(1)
  void aStaleIndexIsRefreshedAfterMaxIndexAgeEvenWhenTheServerAnswers304(SandboxHost host)
      throws Exception {
    AgentInSandbox agent = new AgentInSandbox(host);
    host.publish(host.buildWarehouse("18.09.01"));
    agent.configure(
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("poll_timeout: 5s", "poll_timeout: 3s")
            .replace("apt:\n", "apt:\n  max_index_age: " + MAX_INDEX_AGE.toSeconds() + "s\n"),
        Map.of(
            "10-warehouse.yml",
            "warehouse:\n  config:\n    site: pypi\n    port: " + host.webPort() + "\n"));
    ExecResult first = agent.converge();
    Instant refreshed = Instant.now();
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.01");

    // Within max_index_age: one conditional GET answered 304, no apt-get update.
    host.server().clearRequests();
    ExecResult quiet = agent.converge("--verbose");
    assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
    assertThat(output(quiet)).contains("not modified (no apt-get update)");
    assertThat(host.server().requests(INRELEASE))
        .singleElement()
        .extracting(RepositoryServer.Request::status)
        .isEqualTo(304);

    // Past it: apt-get update runs though the repository has not changed (apt's own conditional
    // GET gets a 304 too).
    sleepUntil(refreshed.plus(MAX_INDEX_AGE).plusSeconds(1));
    host.server().clearRequests();
    ExecResult aged = agent.converge("--verbose");
    assertThat(aged.exitCode()).as(aged.toString()).isZero();
    assertThat(output(aged))
        .contains("apt-get update (index older than 20s (apt.max_index_age): warehouse)");
    assertThat(aptRequests(host))
        .as("%s", host.server().requests())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(304));

    // And the age counts again from that update.
    host.server().clearRequests();
    ExecResult after = agent.converge("--verbose");
    assertThat(after.exitCode()).as(after.toString()).isZero();
    assertThat(output(after)).contains("not modified (no apt-get update)");
    assertThat(aptRequests(host)).isEmpty();
  }

  @Test
  @Order(2)
  void anIndexThatExpiresWhileTheRepositoryAnswers304FailsTheRun(SandboxHost host)
      throws Exception {
    AgentInSandbox agent = new AgentInSandbox(host);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant validUntil = now.plusSeconds(15);
    // A repository that sets Valid-Until, then stops being re-signed (a frozen mirror).
    host.repository().redate(now, validUntil);
    ExecResult valid = agent.converge();
    assertThat(valid.exitCode()).as(valid.toString()).isZero();

    sleepUntil(validUntil.plusSeconds(1));
    ExecResult expired = agent.converge();

    assertThat(expired.exitCode()).as(expired.toString()).isEqualTo(4);
    assertThat(output(expired))
        .contains(
            "repository warehouse: its signed index expired at "
                + validUntil
                + " (Valid-Until of "
                + host.server().uri()
                + "dists/stable/InRelease, dated "
                + now
                + ")");
  }

  @Test
  @Order(3)
  void aReplayedExpiredIndexFailsTheRunAndInstallsNothing(SandboxHost host) throws Exception {
    AgentInSandbox agent = new AgentInSandbox(host);
    Instant date = Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
    Instant validUntil = date.plus(Duration.ofDays(7));
    host.publish(host.buildWarehouse("18.09.01"), host.buildWarehouse("18.09.02"));
    host.repository().redate(date, validUntil);

    ExecResult replayed = agent.converge();

    assertThat(replayed.exitCode()).as(replayed.toString()).isEqualTo(4);
    assertThat(output(replayed))
        .contains("repository warehouse: its signed index expired at " + validUntil);
    assertThat(agent.installedVersion()).isEqualTo("18.09.01");

    // Published and signed afresh: the next run installs what it holds.
    host.repository().redate(Instant.now().truncatedTo(ChronoUnit.SECONDS), null);
    ExecResult fixed = agent.converge();
    assertThat(fixed.exitCode()).as(fixed.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.02");
  }

  @Test
  @Order(4)
  void aTricklingInReleaseIsAbandonedAtPollTimeout(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    // A byte a second: every read succeeds, the whole InRelease (a few KB) would take an hour.
    host.server().setFault(RepositoryServer.Fault.TRICKLE, path -> path.endsWith("/InRelease"));
    try {
      long t0 = System.nanoTime();
      ExecResult run = agent.converge();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
      assertThat(output(run))
          .contains(
              "repository warehouse did not answer within 3s (poll_timeout): "
                  + host.server().uri()
                  + "dists/stable/InRelease");
      // 3 s of probe, plus the JVM's start and the rest of the run on a loaded machine.
      assertThat(took).isLessThan(Duration.ofSeconds(30));
      assertThat(
              host.server().requests(INRELEASE).stream()
                  .filter(r -> r.header("User-Agent").orElse("").equals("warehouse-agent")))
          .isNotEmpty();
    } finally {
      host.server().setFault(RepositoryServer.Fault.NONE);
    }
    ExecResult healed = agent.converge();
    assertThat(healed.exitCode()).as(healed.toString()).isZero();
  }
}
