package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.cli.AgentProcess;
import org.warehouse.agent.cli.ExitCodes;
import org.warehouse.agent.cli.RolloutAgentYml;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.state.JsonTree;

/**
 * {@code agent rollout status|halt|resume|release} as real processes writing into a pipe, against a
 * real PostgreSQL whose rollouts the test drives through the agent's own RolloutStore and
 * LeaseStore, so that each state shows: canary waiting, rolling, failed with reasons, halted and
 * why, resumed, a stranded slot released. The password never appears in any output.
 */
class RolloutCommandsPostgresIT {
  private static final RolloutKey KEY = new RolloutKey("web", "warehouse", "18.09.02");
  private static final Duration LONG = Duration.ofMinutes(5);
  private static TestPostgres pg;

  @TempDir Path dir;
  private Settings.RolloutDatabase db;
  private Path yml;
  private final List<PgConnections> opened = new ArrayList<>();
  private final List<AgentProcess.Result> outputs = new ArrayList<>();

  @BeforeAll
  static void start() {
    pg = TestPostgres.start();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @BeforeEach
  void schema() throws Exception {
    Settings.RolloutDatabase fresh = Rollouts.freshSchema(pg.host(), pg.port());
    // A loaded test machine can take seconds to log in (scram): generous timeouts.
    db =
        new Settings.RolloutDatabase(
            fresh.host(),
            fresh.port(),
            fresh.name(),
            fresh.user(),
            fresh.passwordSecret(),
            fresh.schema(),
            Duration.ofSeconds(15),
            Duration.ofSeconds(15));
    yml = RolloutAgentYml.write(dir, pg.port(), db.schema(), pg.password());
  }

  @AfterEach
  void noOutputHoldsThePassword() {
    opened.forEach(PgConnections::close);
    for (AgentProcess.Result r : outputs) {
      assertThat(r.out() + r.err()).doesNotContain(pg.password());
    }
  }

  private AgentProcess.Result agent(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("rollout"));
    argv.addAll(List.of(args));
    argv.add("--config=" + yml);
    AgentProcess.Result r = AgentProcess.run(argv.toArray(new String[0]));
    outputs.add(r);
    return r;
  }

  private AgentProcess.Result ok(String... args) throws Exception {
    AgentProcess.Result r = agent(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  /** {@code agent rollout status --json}: the one rollout. */
  private Map<String, Object> statusJson() throws Exception {
    Map<String, Object> doc =
        JsonTree.object(JsonTree.read(ok("status", "--json").out()), "status");
    assertThat(doc.get("group")).isEqualTo("web");
    List<Map<String, Object>> rollouts = list(doc.get("rollouts"));
    assertThat(rollouts).hasSize(1);
    Map<String, Object> r = rollouts.get(0);
    r.put("database_time", doc.get("database_time"));
    return r;
  }

  @SuppressWarnings("unchecked") // JsonTree reads objects as maps, arrays as lists
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  private static List<Object> field(List<Map<String, Object>> rows, String key) {
    return rows.stream().map(m -> m.get(key)).toList();
  }

  private Client host(String name) {
    PgConnections c = new PgConnections(db, () -> Optional.of(pg.password()));
    opened.add(c);
    return new Client(new HostId(name), new RolloutStore(c), new LeaseStore(c));
  }

  record Client(HostId id, RolloutStore store, LeaseStore leases) {
    Decision ask(RolloutRules rules) throws RolloutException {
      return store.admit(id, KEY, rules);
    }

    Slot granted(RolloutRules rules) throws RolloutException {
      Decision d = ask(rules);
      assertThat(d).isInstanceOf(Decision.Granted.class);
      return ((Decision.Granted) d).slot();
    }
  }

  @Test
  void theCanaryGoesFirstThenTheRestAndStatusShowsEachStep() throws Exception {
    AgentProcess.Result none = ok("status");
    assertThat(none.out()).contains("group web has no rollouts yet");

    RolloutRules rules = Rollouts.rules(1, 2, 3, LONG, Duration.ZERO);
    Client a = host("app-1");
    Client b = host("app-2");
    Slot sa = a.granted(rules);
    assertThat(b.ask(rules)).isInstanceOf(Decision.Waiting.class);

    // The global option before the group, and the group's own before the subcommand.
    AgentProcess.Result text = AgentProcess.run("--config", yml.toString(), "rollout", "status");
    outputs.add(text);
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("group web: 1 rollout(s), newest first; times by the database's clock, now ")
        .contains("warehouse 18.09.02  CANARY: canaries first")
        .contains("  canaries   app-1 installing\n")
        .containsPattern(
            "  in flight  app-1 \\(canary\\) installing, epoch 1, lease until \\S+Z \\(4m\\d*s? left\\)")
        .contains("  done       none\n", "  failed     none\n", "  waiting    app-2\n")
        .contains("  created  rules: ")
        .containsPattern("\\S+Z  granted  app-1: canary, epoch 1\n");
    Map<String, Object> canary = statusJson();
    AgentProcess.Result between = AgentProcess.run("rollout", "--config", yml.toString(), "status");
    outputs.add(between);
    assertThat(between.exit()).as(between.err()).isZero();
    assertThat(between.out()).contains("CANARY");
    assertThat(canary)
        .containsEntry("package", "warehouse")
        .containsEntry("version", "18.09.02")
        .containsEntry("state", "canary")
        .containsEntry("halted_reason", null)
        .containsEntry("failures", 0)
        .containsEntry("halt_after_failures", 3)
        .containsEntry("max_parallel", 2);
    assertThat(map(canary.get("canaries")))
        .containsEntry("named", null)
        .containsEntry("count", 1)
        .containsEntry("hosts", List.of(Map.of("host", "app-1", "state", "installing")));
    Map<String, Object> flight = list(canary.get("in_flight")).get(0);
    assertThat(flight)
        .containsEntry("host", "app-1")
        .containsEntry("canary", true)
        .containsEntry("state", "installing")
        .containsEntry("epoch", 1)
        .containsEntry("healthy_since", null);
    // The lease's end and what is left of it, both by the database's clock.
    long left = ((Number) flight.get("lease_seconds_left")).longValue();
    assertThat(left).isBetween(240L, 300L);
    assertThat(
            Duration.between(
                    Instant.parse((String) canary.get("database_time")),
                    Instant.parse((String) flight.get("lease_until")))
                .toSeconds())
        .isEqualTo(left);
    assertThat(canary.get("waiting")).isEqualTo(List.of("app-2"));
    assertThat(field(list(canary.get("events")), "kind")).containsExactly("created", "granted");

    assertThat(a.leases().reportHealthy(sa)).isTrue();
    assertThat(a.leases().complete(sa)).isEqualTo(LeaseStore.Completion.DONE);
    b.granted(rules);
    Map<String, Object> rolling = statusJson();
    assertThat(rolling).containsEntry("state", "rolling");
    assertThat(rolling.get("done")).isEqualTo(List.of("app-1"));
    assertThat(field(list(rolling.get("in_flight")), "host")).containsExactly("app-2");
    assertThat(field(list(rolling.get("in_flight")), "canary")).containsExactly(false);
    assertThat(rolling.get("waiting")).isEqualTo(List.of());
    assertThat(field(list(rolling.get("events")), "kind"))
        .containsExactly("created", "granted", "healthy", "done", "promoted", "granted");
    assertThat(ok("status").out())
        .contains("warehouse 18.09.02  ROLLING: every host may be admitted, 2 at a time")
        .contains("  canaries   app-1 done\n", "  done       1: app-1\n")
        .contains("  promoted  canaries healthy: admitting the rest\n");
  }

  @Test
  void failuresWithTheirReasonsHaltTheRolloutAndAnOperatorResumesIt() throws Exception {
    // Long enough for c's healthy report to come in time on a loaded machine.
    Duration ttl = Duration.ofSeconds(10);
    RolloutRules rules = Rollouts.rules(0, 3, 2, ttl, Duration.ZERO);
    Client a = host("app-1");
    Client b = host("app-2");
    Client c = host("app-3");
    Slot sa = a.granted(rules);
    b.granted(rules);
    Slot sc = c.granted(rules);
    long cGranted = System.nanoTime();
    assertThat(c.leases().reportHealthy(sc)).isTrue();
    assertThat(a.leases().reportFailure(sa, "warehouse-web.service failed its health check"))
        .isTrue();
    // b's lease runs out without a healthy report (a failure: the second, the limit), c's after
    // one (not a failure); status sweeps them by the database's clock.
    Thread.sleep(Math.max(0, ttl.toMillis() + 500 - (System.nanoTime() - cGranted) / 1_000_000));
    Map<String, Object> halted = statusJson();
    assertThat(halted).containsEntry("state", "halted").containsEntry("failures", 2);
    assertThat((String) halted.get("halted_reason"))
        .isEqualTo(
            "2 failure(s), the limit is 2; last: 1 lease(s) expired without a healthy report");
    assertThat(list(halted.get("failed")))
        .containsExactly(
            Map.of(
                "host",
                "app-1",
                "state",
                "failed",
                "reason",
                "warehouse-web.service failed its health check"),
            Map.of(
                "host",
                "app-2",
                "state",
                "expired",
                "reason",
                "lease expired without a healthy report"));
    assertThat(list(halted.get("ended")))
        .containsExactly(
            Map.of(
                "host",
                "app-3",
                "state",
                "expired",
                "reason",
                "lease expired after a healthy report"));
    assertThat(list(halted.get("in_flight"))).isEmpty();
    assertThat(field(list(halted.get("events")), "kind")).contains("failed", "expired", "halted");
    assertThat(ok("status").out())
        .contains(
            "warehouse 18.09.02  HALTED: 2 failure(s), the limit is 2; last: 1 lease(s) expired")
        .contains("  failed     app-1: warehouse-web.service failed its health check\n")
        .contains("             app-2: lease expired without a healthy report\n")
        .contains("  ended      app-3 expired: lease expired after a healthy report\n")
        .contains("  resume     agent rollout resume 18.09.02 (failures reset)");
    assertThat(host("app-4").ask(rules)).isInstanceOf(Decision.Halted.class);

    AgentProcess.Result again = ok("halt", "18.09.02", "--reason", "late");
    assertThat(again.out())
        .isEqualTo(
            "warehouse 18.09.02 (group web) was already halted (nothing changed): 2 failure(s),"
                + " the limit is 2; last: 1 lease(s) expired without a healthy report\n");

    AgentProcess.Result resumed = ok("resume", "18.09.02");
    // No canaries in this rollout: resumed straight to rolling, not to an empty canary stage.
    assertThat(resumed.out())
        .isEqualTo(
            "warehouse 18.09.02 (group web) resumed: rolling, failures reset; every host of the"
                + " group may be admitted, 3 at a time\n");
    assertThat(statusJson())
        .containsEntry("state", "rolling")
        .containsEntry("failures", 0)
        .containsEntry("halted_reason", null);
    assertThat(host("app-4").ask(rules)).isInstanceOf(Decision.Granted.class);
    assertThat(ok("resume", "18.09.02").out())
        .isEqualTo("warehouse 18.09.02 (group web) is rolling, not halted: nothing to resume\n");
  }

  @Test
  void anOperatorHaltsAVersionWithAReasonAndNoHostIsAdmittedToIt() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 2, 3, LONG, Duration.ZERO);
    Client a = host("app-1");
    Slot sa = a.granted(rules);

    AgentProcess.Result halt = ok("halt", "18.09.02", "--reason", "INC-7 bad release");
    assertThat(halt.out())
        .startsWith("warehouse 18.09.02 (group web) halted by ")
        .contains(": INC-7 bad release\n")
        .endsWith(
            "no host is admitted to 18.09.02 until 'agent rollout resume 18.09.02'; a newer"
                + " version starts a rollout of its own\n");
    Decision refused = host("app-2").ask(rules);
    assertThat(refused).isInstanceOf(Decision.Halted.class);
    assertThat(refused.why()).contains("INC-7 bad release");
    // The holder loses its slot before it restarts anything.
    assertThat(a.leases().renew(sa)).isFalse();
    assertThat(ok("status").out()).containsPattern("HALTED: halted by \\S+.*: INC-7 bad release");
    assertThat(ok("halt", "18.09.02").out())
        .startsWith(
            "warehouse 18.09.02 (group web) was already halted (nothing changed): halted by")
        .contains("INC-7");

    for (String command : List.of("halt", "resume")) {
      AgentProcess.Result unknown = agent(command, "9.9");
      assertThat(unknown.exit()).as(unknown.err()).isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(unknown.err())
          .isEqualTo("agent: group web has no rollout of version 9.9 (its versions: 18.09.02)\n");
      assertThat(unknown.out()).isEmpty();
    }

    AgentProcess.Result resumed = ok("resume", "18.09.02");
    assertThat(resumed.out())
        .isEqualTo(
            "warehouse 18.09.02 (group web) resumed: failures reset; canaries first again, then"
                + " the rest\n");
    assertThat(statusJson()).containsEntry("state", "canary");
  }

  @Test
  void anOperatorFreesAStrandedSlotAndTheNextHostIsAdmitted() throws Exception {
    RolloutRules rules = Rollouts.rules(0, 1, 3, LONG, Duration.ZERO);
    Client a = host("app-1");
    Client b = host("app-2");
    Slot sa = a.granted(rules);
    assertThat(b.ask(rules).why()).contains("all 1 slots held (max_parallel)");

    AgentProcess.Result release = ok("release", "app-1");
    assertThat(release.out())
        .isEqualTo(
            "released app-1's slot in 1 rollout(s) of group web (not counted as a failure): the"
                + " next waiting host may be admitted\n");
    assertThat(a.leases().renew(sa)).isFalse();
    b.granted(rules);
    Map<String, Object> after = statusJson();
    assertThat(after).containsEntry("failures", 0).containsEntry("state", "rolling");
    assertThat(list(after.get("ended")))
        .containsExactly(
            Map.of("host", "app-1", "state", "released", "reason", "released by an operator"));
    assertThat(field(list(after.get("in_flight")), "host")).containsExactly("app-2");
    assertThat(list(after.get("events")))
        .anySatisfy(
            e ->
                assertThat(e)
                    .containsEntry("kind", "released")
                    .containsEntry("host", "app-1")
                    .containsEntry("detail", "slot freed by an operator"));

    assertThat(ok("release", "app-1").out())
        .isEqualTo("app-1 holds no slot (warehouse 18.09.02: released): nothing to release\n");
    AgentProcess.Result unknown = agent("release", "app-9");
    assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err())
        .isEqualTo("agent: app-9 is in no rollout of group web (its hosts: app-1, app-2)\n");
    assertThat(unknown.out()).isEmpty();
  }

  @Test
  void aWrongPasswordIsUnavailableInTheDatabasesWordsWithoutEitherPassword() throws Exception {
    yml = RolloutAgentYml.write(dir, pg.port(), db.schema(), "not-" + pg.password());
    AgentProcess.Result r = agent("status");
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err())
        .startsWith(
            "agent: rollout database jdbc:postgresql://127.0.0.1:"
                + pg.port()
                + "/warehouse_agent: ")
        .contains("password authentication failed for user \"agent\"")
        .doesNotContain("not-");
    assertThat(r.out()).isEmpty();
  }
}
