package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.rollout.HostState;
import org.warehouse.agent.rollout.RolloutState;
import org.warehouse.agent.rollout.RolloutView;
import org.warehouse.agent.sandbox.RolloutFleet.Member;
import org.warehouse.agent.state.Json;

/**
 * Fleet rollouts end to end: three sandboxed hosts, each running the real daemon under its own
 * systemd, one fixture repository, one PostgreSQL on the host's loopback. A host hears of a release
 * through {@code agent converge --now} (as an operator or a deploy script runs it); a waiting host
 * is started by its daemon's rollout beat once admitted. Host-a is the named canary; one slot
 * (max_parallel 1); one failure halts. In order: a good release goes to the canary, then to the
 * others one at a time, each only after the previous one was healthy for min_healthy_time; a
 * release that crashes at start is rolled back on the canary and halted, and the others never
 * install it; with the database stopped nothing installs and nothing changes, and the next converge
 * after it returns proceeds; a canary whose service stops answering before min_healthy_time is up
 * halts the rollout. The rollout's rows (what {@code agent rollout status} prints) are checked
 * after each step.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutSandboxIT {
  private static final String OLD = "18.09.01";
  private static final String GOOD = "18.09.02";
  private static final String CRASHES = "18.09.03";
  private static final String LATER = "18.09.04";
  private static final String FLAKY = "18.09.05";
  private static final Duration MIN_HEALTHY = Duration.ofSeconds(3);
  private static final String RULES =
      "  canary: [host-a]\n  max_parallel: 1\n  halt_after_failures: 1\n  lease_ttl: 20s\n"
          + "  min_healthy_time: "
          + MIN_HEALTHY.toSeconds()
          + "s\n  poll: 1s\n";
  private static final String LAST_RUN = "/var/lib/warehouse-agent/last-run.json";

  private static RolloutFleet fleet;
  private static final List<Path> published = new ArrayList<>();

  @BeforeAll
  static void startFleet() {
    fleet =
        RolloutFleet.start(
            List.of("host-a", "host-b", "host-c"),
            RULES,
            owner -> {
              published.add(owner.buildWarehouse(OLD));
              owner.publish(published.toArray(Path[]::new));
            });
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static Member host(String name) {
    return fleet.member(name);
  }

  private static SandboxHost repositoryOwner() {
    return host("host-a").host();
  }

  private static void publish(Path deb) {
    published.add(deb);
    repositoryOwner().publish(published.toArray(Path[]::new));
  }

  /** {@code agent converge --now --detailed-exitcodes --json}, through the host's daemon. */
  private static ExecResult converge(Member m) {
    return m.agent().converge("--json");
  }

  /** The package resource's line of a run report. */
  private static JsonNode packageReport(String reportJson) throws IOException {
    for (JsonNode r : Json.mapper().readTree(reportJson).get("resources")) {
      if (r.get("id").asText().equals("package:warehouse")) {
        return r;
      }
    }
    throw new AssertionError("no package:warehouse in " + reportJson);
  }

  private static RolloutView rollout(String version) {
    RolloutView v =
        fleet.rollout(version).orElseThrow(() -> new AssertionError("no rollout of " + version));
    System.out.println(describe(v));
    return v;
  }

  /** A status as an operator reads it, for the test log. */
  private static String describe(RolloutView v) {
    return "rollout "
        + v.key()
        + ": "
        + v.state()
        + (v.haltedReason().isEmpty() ? "" : " (" + v.haltedReason() + ")")
        + "; hosts "
        + v.hosts().stream()
            .map(h -> h.host() + "=" + h.state().word() + (h.canary() ? "(canary)" : ""))
            .collect(Collectors.joining(", "))
        + "; waiting "
        + v.waiting()
        + "\n  events: "
        + v.events().stream()
            .map(e -> e.kind() + e.host().map(h -> "@" + h).orElse(""))
            .collect(Collectors.joining(" "));
  }

  private static HostState state(RolloutView v, String host) {
    return v.hosts().stream()
        .filter(h -> h.host().equals(host))
        .findFirst()
        .map(RolloutView.HostView::state)
        .orElseThrow(() -> new AssertionError(host + " never held a slot: " + describe(v)));
  }

  /** When {@code kind} first happened to {@code host} (null: to the rollout itself). */
  private static Instant at(RolloutView v, String kind, String host) {
    return v.events().stream()
        .filter(e -> e.kind().equals(kind) && e.host().orElse("").equals(host == null ? "" : host))
        .findFirst()
        .map(RolloutView.EventView::at)
        .orElseThrow(() -> new AssertionError("no event " + kind + " of " + host + ": " + v));
  }

  /** dpkg has {@code version} configured and nothing half-done; warehouse-web serves it. */
  private static void assertServes(Member m, String version) {
    Sandbox s = m.sandbox();
    assertThat(s.checkOutput("dpkg-query", "-W", "-f=${db:Status-Abbrev} ${Version}", "warehouse"))
        .as(m.name())
        .isEqualTo("ii  " + version);
    assertThat(s.checkOutput("dpkg", "--audit")).as(m.name() + ": dpkg --audit").isEmpty();
    assertThat(m.agent().unitActiveState()).as(m.name()).isEqualTo("active");
    HttpResponse health = s.httpGet(m.host().healthUrl());
    assertThat(health.status()).as(m.name() + ": " + health.body()).isEqualTo(200);
    assertThat(health.body()).as(m.name()).contains("\"version\": \"" + version + "\"");
  }

  /** Whether dpkg ever unpacked {@code version} of warehouse on {@code m} (its own dpkg.log). */
  private static boolean everUnpacked(Member m, String version) {
    return m.sandbox()
        .readFile("/var/log/dpkg.log")
        .lines()
        .anyMatch(l -> l.contains(" warehouse:all ") && l.contains(version));
  }

  /** {@code agent rollout status} as an operator runs it on {@code m}: lines, spaces collapsed. */
  private static List<String> statusLines(Member m) {
    ExecResult r = m.agent().run("rollout", "status");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    System.out.println(r.stdout());
    return r.stdout().lines().map(l -> l.strip().replaceAll("\\s+", " ")).toList();
  }

  private static long reloads(Member m) {
    return m.sandbox()
        .journal(RolloutFleet.UNIT)
        .lines()
        .filter(l -> l.contains("SIGHUP: reloaded"))
        .count();
  }

  /** Runs {@code body}; a failure carries each daemon's journal. */
  private static void withJournals(ThrowingRunnable body) throws Exception {
    try {
      body.run();
    } catch (AssertionError e) {
      StringBuilder journals = new StringBuilder(e.getMessage());
      for (Member m : fleet.members()) {
        journals
            .append("\n--- journal of ")
            .append(m.name())
            .append(":\n")
            .append(m.sandbox().journal(RolloutFleet.UNIT));
      }
      AssertionError withJournals = new AssertionError(journals.toString());
      withJournals.initCause(e);
      throw withJournals;
    }
  }

  /** A test body. */
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  @Order(1)
  void aGoodReleaseGoesToTheCanaryFirstThenToOneHostAtATime() throws Exception {
    withJournals(
        () -> {
          publish(repositoryOwner().buildWarehouse(GOOD));

          // host-b and host-c hear of it first: the rollout starts, they wait for host-a.
          for (String name : List.of("host-b", "host-c")) {
            ExecResult r = converge(host(name));
            assertThat(r.exitCode()).as(r.toString()).isIn(0, 2);
            assertThat(packageReport(r.stdout()).get("detail").asText())
                .contains(GOOD + " waiting for the rollout: canaries first (host-a)");
            assertThat(host(name).agent().installedVersion()).isEqualTo(OLD);
          }
          RolloutView waiting = rollout(GOOD);
          assertThat(waiting.state()).isEqualTo(RolloutState.CANARY);
          assertThat(waiting.hosts()).isEmpty();
          assertThat(waiting.waiting()).containsExactlyInAnyOrder("host-b", "host-c");
          assertThat(statusLines(host("host-c")))
              .contains(
                  "warehouse "
                      + GOOD
                      + " CANARY: canaries first, the rest wait until they have been healthy long"
                      + " enough",
                  "canaries host-a not yet asked",
                  "in flight none")
              .anyMatch(l -> l.matches("waiting host-[bc], host-[bc]"));

          // The canary upgrades; nobody else may start until it has been healthy long enough.
          ExecResult canary = host("host-a").agent().converge();
          assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(2);
          assertThat(canary.stdout()).contains("package:warehouse: " + OLD + " -> " + GOOD);
          assertServes(host("host-a"), GOOD);
          assertThat(host("host-b").agent().installedVersion()).isEqualTo(OLD);
          assertThat(host("host-c").agent().installedVersion()).isEqualTo(OLD);
          RolloutView canaryStage = rollout(GOOD);
          assertThat(canaryStage.hosts())
              .extracting(RolloutView.HostView::host)
              .first()
              .isEqualTo("host-a");
          assertThat(canaryStage.hosts().get(0).canary()).isTrue();

          // The rest follow on their own: each daemon's rollout beat asks every poll and
          // converges once admitted.
          Await.until(
              "every host done with " + GOOD + ": " + describe(fleet.rollout(GOOD).orElseThrow()),
              Duration.ofMinutes(3),
              () -> fleet.rollout(GOOD).orElseThrow().count(HostState.DONE) == 3);
          RolloutView done = rollout(GOOD);
          assertThat(done.state()).isEqualTo(RolloutState.ROLLING);
          assertThat(statusLines(host("host-b")))
              .contains(
                  "warehouse " + GOOD + " ROLLING: every host may be admitted, 1 at a time",
                  "in flight none",
                  "waiting none")
              .anyMatch(
                  l ->
                      l.startsWith("done ")
                          && l.contains("host-a")
                          && l.contains("host-b")
                          && l.contains("host-c"));
          assertThat(done.failures()).isZero();
          for (Member m : fleet.members()) {
            assertServes(m, GOOD);
            assertThat(state(done, m.name())).isEqualTo(HostState.DONE);
          }
          // Canary first, healthy for min_healthy_time, then one host at a time (max_parallel 1).
          assertThat(Duration.between(at(done, "healthy", "host-a"), at(done, "done", "host-a")))
              .isGreaterThanOrEqualTo(MIN_HEALTHY);
          assertThat(at(done, "promoted", null)).isAfterOrEqualTo(at(done, "done", "host-a"));
          Instant bGranted = at(done, "granted", "host-b");
          Instant cGranted = at(done, "granted", "host-c");
          boolean bFirst = bGranted.isBefore(cGranted);
          assertThat(bFirst ? bGranted : cGranted).isAfterOrEqualTo(at(done, "done", "host-a"));
          String earlier = bFirst ? "host-b" : "host-c";
          String later = bFirst ? "host-c" : "host-b";
          assertThat(at(done, "granted", later)).isAfterOrEqualTo(at(done, "done", earlier));
          assertThat(Duration.between(at(done, "healthy", earlier), at(done, "done", earlier)))
              .isGreaterThanOrEqualTo(MIN_HEALTHY);
          for (String name : List.of("host-b", "host-c")) {
            assertThat(host(name).sandbox().journal(RolloutFleet.UNIT))
                .contains("rollout: converging now");
            // The run the beat started says so: in its report and in the metrics.
            assertThat(DaemonLooks.lastRun(host(name).host()).get("trigger").asText())
                .isEqualTo("rollout");
            String scrape = DaemonLooks.metrics(host(name).host(), host(name).metricsPort());
            assertThat(
                    DaemonLooks.sample(
                        scrape,
                        "warehouse_agent_converge_runs_total{result=\"changed\",trigger=\"rollout\"}"))
                .isEqualTo(1.0);
          }
        });
  }

  @Test
  @Order(2)
  void aReleaseThatCrashesIsRolledBackOnTheCanaryAndHaltedBeforeTheOthersInstallIt()
      throws Exception {
    withJournals(
        () -> {
          publish(repositoryOwner().buildWarehouse(CRASHES, PackageKind.CRASH));
          for (String name : List.of("host-b", "host-c")) {
            ExecResult r = converge(host(name));
            assertThat(r.exitCode()).as(r.toString()).isIn(0, 2);
            assertThat(packageReport(r.stdout()).get("detail").asText())
                .contains(CRASHES + " waiting for the rollout: canaries first (host-a)");
          }

          ExecResult canary = host("host-a").agent().converge();
          assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(6);
          assertThat(canary.stdout())
              .contains("after upgrade of warehouse to " + CRASHES)
              .contains("rolled back to warehouse " + GOOD)
              .contains(CRASHES + " quarantined");
          assertServes(host("host-a"), GOOD);

          RolloutView halted = rollout(CRASHES);
          assertThat(halted.state()).isEqualTo(RolloutState.HALTED);
          assertThat(halted.haltedReason())
              .contains("1 failure(s), the limit is 1")
              .contains("; last: host-a: warehouse-web.service ")
              .contains("after upgrade of warehouse to " + CRASHES);
          assertThat(halted.hosts())
              .extracting(RolloutView.HostView::host)
              .containsExactly("host-a");
          assertThat(state(halted, "host-a")).isEqualTo(HostState.FAILED);
          assertThat(halted.events())
              .extracting(RolloutView.EventView::kind)
              .containsSubsequence("created", "granted", "failed", "halted");

          // Their beats (every poll) are refused from now on, and so is a converge.
          Thread.sleep(3000);
          for (String name : List.of("host-b", "host-c")) {
            Member m = host(name);
            ExecResult r = converge(m);
            assertThat(r.exitCode()).as(r.toString()).isIn(0, 2);
            assertThat(packageReport(r.stdout()).get("detail").asText())
                .contains(CRASHES + " not installed: rollout halted: 1 failure(s)");
            assertThat(
                    Json.mapper().readTree(m.sandbox().readFile(LAST_RUN)).get("result").asText())
                .isIn("unchanged", "changed");
            assertServes(m, GOOD);
            assertThat(everUnpacked(m, CRASHES)).as(name + " unpacked " + CRASHES).isFalse();
          }
          assertThat(statusLines(host("host-b")))
              .contains(
                  "resume agent rollout resume "
                      + CRASHES
                      + " (failures reset), or publish a newer version")
              .anyMatch(
                  l ->
                      l.startsWith(
                          "warehouse "
                              + CRASHES
                              + " HALTED: 1 failure(s), the limit is 1; last:"
                              + " host-a: "));
          // As an operator reads it: converge --now's own lines say why nothing moved.
          ExecResult text = host("host-c").agent().converge();
          assertThat(text.exitCode()).as(text.toString()).isIn(0, 2);
          assertThat(text.stdout().lines())
              .as(text.stdout())
              .anyMatch(
                  l ->
                      l.startsWith("unchanged ")
                          && l.contains(" package:warehouse: " + GOOD + " (")
                          && l.contains(CRASHES + " not installed: rollout halted: 1 failure(s)"));
          assertThat(everUnpacked(host("host-a"), CRASHES)).isTrue();
          assertThat(rollout(CRASHES).hosts())
              .extracting(RolloutView.HostView::host)
              .containsExactly("host-a");
        });
  }

  @Test
  @Order(3)
  void withTheDatabaseDownNothingInstallsAndTheNextConvergeAfterItReturnsProceeds()
      throws Exception {
    withJournals(
        () -> {
          Member a = host("host-a");
          Member b = host("host-b");
          String configBefore = a.sandbox().readFile(AgentInSandbox.CONFIG_YML);
          long pidBefore = a.agent().mainPid();
          fleet.postgres().stop();
          publish(repositoryOwner().buildWarehouse(LATER));
          // A config change rides along: it must wait with the release.
          a.agent()
              .configure(
                  fleet.agentYml(a, RULES),
                  Map.of(
                      "10-warehouse.yml",
                      "warehouse:\n  config:\n    site: pypi\n    banner: later\n    port: "
                          + a.host().webPort()
                          + "\n"));

          for (Member m : List.of(a, b)) {
            ExecResult r = m.agent().converge();
            assertThat(r.exitCode() & 4).as(r.toString()).isEqualTo(4);
            assertThat(r.stdout())
                .contains("package:warehouse: rollout database unreachable, warehouse " + LATER)
                .contains("jdbc:postgresql://127.0.0.1:" + fleet.postgres().port());
            assertThat(
                    Json.mapper().readTree(m.sandbox().readFile(LAST_RUN)).get("result").asText())
                .isEqualTo("failed");
            assertServes(m, GOOD);
            assertThat(everUnpacked(m, LATER)).isFalse();
          }
          assertThat(a.sandbox().readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(configBefore);
          assertThat(a.agent().mainPid()).isEqualTo(pidBefore);

          fleet.postgres().startAgain();
          // host-c did not ask during the outage: its daemon's connection died with the server
          // and must not fail this run.
          Member c = host("host-c");
          ExecResult waits = converge(c);
          assertThat(waits.exitCode()).as(waits.toString()).isIn(0, 2);
          assertThat(packageReport(waits.stdout()).get("detail").asText())
              .contains(LATER + " waiting for the rollout: canaries first (host-a)");
          ExecResult after = a.agent().converge();
          assertThat(after.exitCode()).as(after.toString()).isEqualTo(2);
          assertThat(after.stdout()).contains("package:warehouse: " + GOOD + " -> " + LATER);
          assertServes(a, LATER);
          assertThat(a.sandbox().readFile(AgentInSandbox.CONFIG_YML)).contains("banner: later");
          Await.until(
              "host-c done with " + LATER + " after the canary",
              Duration.ofMinutes(2),
              () -> fleet.rollout(LATER).orElseThrow().count(HostState.DONE) == 2);
          RolloutView v = rollout(LATER);
          assertThat(v.hosts())
              .extracting(RolloutView.HostView::host)
              .containsExactly("host-a", "host-c");
          assertThat(v.hosts().get(0).canary()).isTrue();
          assertServes(c, LATER);
          assertThat(b.agent().installedVersion()).isEqualTo(GOOD);
        });
  }

  @Test
  @Order(4)
  void aCanaryThatTurnsUnhealthyBeforeMinHealthyTimeIsUpHaltsTheRollout() throws Exception {
    withJournals(
        () -> {
          Member a = host("host-a");
          Member b = host("host-b");
          // A long min_healthy_time for this rollout (the canary creates it with its rules), and
          // a long poll on the canary: its health is watched every second between polls.
          a.agent()
              .configure(
                  fleet.agentYml(
                      a,
                      RULES
                          .replace("min_healthy_time: 3s", "min_healthy_time: 2m")
                          .replace("lease_ttl: 20s", "lease_ttl: 2m")
                          .replace("poll: 1s", "poll: 45s")),
                  Map.of());
          long reloads = reloads(a);
          a.sandbox().checkOutput("systemctl", "reload", RolloutFleet.UNIT);
          Await.until(
              "host-a's daemon reloaded", Duration.ofSeconds(30), () -> reloads(a) > reloads);
          publish(repositoryOwner().buildWarehouse(FLAKY));

          ExecResult canary = a.agent().converge();
          assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(2);
          assertThat(canary.stdout()).contains("package:warehouse: " + LATER + " -> " + FLAKY);
          ExecResult waits = converge(b);
          assertThat(packageReport(waits.stdout()).get("detail").asText())
              .contains(FLAKY + " waiting for the rollout: all 1 slots held (max_parallel)");
          // It passed its restart's health check; now it stops answering.
          Instant stopped = Instant.now();
          a.sandbox().checkOutput("systemctl", "stop", "warehouse-web");

          Await.until(
              "the rollout of " + FLAKY + " halted by host-a's beat",
              Duration.ofSeconds(90),
              () -> fleet.rollout(FLAKY).orElseThrow().state() == RolloutState.HALTED);
          RolloutView v = rollout(FLAKY);
          // Seen by the watch within seconds, not at host-a's next poll (up to 45 s away).
          assertThat(Duration.between(stopped, at(v, "failed", "host-a")))
              .isLessThan(Duration.ofSeconds(10));
          assertThat(v.haltedReason())
              .contains("host-a: unhealthy before min_healthy_time was up: warehouse-web.service: ")
              .contains(" from " + a.host().healthUrl());
          assertThat(state(v, "host-a")).isEqualTo(HostState.FAILED);
          assertThat(v.events())
              .extracting(RolloutView.EventView::kind)
              .containsSubsequence("created", "granted", "healthy", "failed", "halted");
          assertThat(v.events()).noneMatch(e -> e.kind().equals("done"));
          assertThat(statusLines(b))
              .anyMatch(
                  l ->
                      l.startsWith("warehouse " + FLAKY + " HALTED: ")
                          && l.contains("host-a: unhealthy before min_healthy_time was up"));

          ExecResult refused = converge(b);
          assertThat(packageReport(refused.stdout()).get("detail").asText())
              .contains(FLAKY + " not installed: rollout halted: 1 failure(s)");
          for (Member m : List.of(b, host("host-c"))) {
            assertThat(everUnpacked(m, FLAKY)).as(m.name() + " unpacked " + FLAKY).isFalse();
          }
          // The canary keeps the version it passed its restart's checks with; its next converge
          // starts the stopped service again.
          ExecResult repaired = a.agent().converge();
          assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
          assertServes(a, FLAKY);
        });
  }
}
