package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.TransactionGate;

/** The agent's side of a rollout (gate, run reports, ticker) against a real PostgreSQL. */
class RolloutGatePostgresIT {
  private static final String V = "18.09.02";
  private final List<PgConnections> opened = new ArrayList<>();
  private Settings.RolloutDatabase db;

  @BeforeEach
  void schema() {
    db = Rollouts.freshSchema("127.0.0.1", TestDatabase.port());
  }

  @AfterEach
  void close() {
    opened.forEach(PgConnections::close);
  }

  private RolloutGate gate(String host, RolloutRules rules) {
    return gate(host, rules, db);
  }

  private RolloutGate gate(String host, RolloutRules rules, Settings.RolloutDatabase on) {
    PgConnections c = new PgConnections(on, () -> Optional.of(TestDatabase.password()));
    opened.add(c);
    return new RolloutGate(new HostId(host), "web", rules, new RolloutStore(c), new LeaseStore(c));
  }

  private RolloutAdmin admin() {
    PgConnections c = new PgConnections(db, () -> Optional.of(TestDatabase.password()));
    opened.add(c);
    return new RolloutAdmin(c);
  }

  private static RunReport run(
      RunResult result, ResourceStatus status, String after, String error) {
    return Rollouts.packageRun(result, status, after, error);
  }

  @Test
  void anInstalledHealthyRunIsReportedAndTheTickerReleasesTheSlotOnceHealthyLongEnough()
      throws Exception {
    RolloutGate a = gate("a", Rollouts.rules(1, 1, 1, Duration.ofMinutes(5), Duration.ZERO));
    RolloutGate b = gate("b", Rollouts.rules(1, 1, 1, Duration.ofMinutes(5), Duration.ZERO));
    assertThat(a.admit("warehouse", V).admitted()).isTrue();
    TransactionGate.Admission waiting = b.admit("warehouse", V);
    assertThat(waiting.verdict()).isEqualTo(TransactionGate.Verdict.WAITING);
    assertThat(new RolloutTicker(b).tick(false)).isFalse();

    a.confirm();
    a.runFinished(run(RunResult.CHANGED, ResourceStatus.CHANGED, V, ""));
    assertThat(a.healthyReported()).isTrue();
    assertThat(new RolloutTicker(a).tick(false)).isFalse();
    assertThat(a.slot()).isEmpty();

    // The waiting host is admitted by its ticker, which asks for a converge at once.
    assertThat(new RolloutTicker(b).tick(false)).isTrue();
    assertThat(b.slot()).isPresent();
    assertThat(b.admit("warehouse", V).admitted()).isTrue();
    RolloutView v = admin().status("web").get(0);
    assertThat(v.count(HostState.DONE)).isEqualTo(1);
    assertThat(v.count(HostState.INSTALLING)).isEqualTo(1);
  }

  /** {@code host} admitted to V, upgraded, and reported healthy (min_healthy_time zero). */
  private RolloutGate upgradedAndHealthy(String host, int haltAfter) throws Exception {
    RolloutGate g =
        gate(host, Rollouts.rules(1, 1, haltAfter, Duration.ofMinutes(5), Duration.ZERO));
    assertThat(g.admit("warehouse", V).admitted()).isTrue();
    g.confirm();
    g.runFinished(run(RunResult.CHANGED, ResourceStatus.CHANGED, V, ""));
    assertThat(g.healthyReported()).isTrue();
    return g;
  }

  @Test
  void aHostUnhealthyBeforeMinHealthyTimeIsUpCountsAFailureAndFreesItsSlot() throws Exception {
    RolloutGate a = upgradedAndHealthy("a", 2);

    // min_healthy_time is up (zero), but the look at the host finds it unhealthy: not released.
    HealthProbe down = () -> Optional.of("warehouse-web.service: HTTP 500 from http://x/_health/");
    assertThat(new RolloutTicker(a, down).tick(false)).isFalse();

    assertThat(a.slot()).isEmpty();
    RolloutView v = admin().status("web").get(0);
    assertThat(v.count(HostState.DONE)).isZero();
    assertThat(v.count(HostState.FAILED)).isEqualTo(1);
    assertThat(v.failures()).isEqualTo(1);
    assertThat(v.state()).isEqualTo(RolloutState.CANARY);
    assertThat(v.events())
        .extracting(RolloutView.EventView::detail)
        .anyMatch(
            d ->
                d.equals(
                    "unhealthy before min_healthy_time was up: warehouse-web.service: HTTP 500"
                        + " from http://x/_health/"));
    // The second such host reaches halt_after_failures: halted with the host's words.
    RolloutGate b = upgradedAndHealthy("b", 2);
    new RolloutTicker(b, down).tick(false);
    RolloutView halted = admin().status("web").get(0);
    assertThat(halted.state()).isEqualTo(RolloutState.HALTED);
    assertThat(halted.haltedReason()).contains("b: unhealthy before min_healthy_time was up");
  }

  @Test
  void aHealthyLookReleasesTheSlot() throws Exception {
    RolloutGate a = upgradedAndHealthy("a", 1);
    List<String> looked = new ArrayList<>();
    HealthProbe up =
        () -> {
          looked.add("look");
          return Optional.empty();
        };
    assertThat(new RolloutTicker(a, up).tick(false)).isFalse();
    assertThat(looked).hasSize(1);
    assertThat(a.slot()).isEmpty();
    assertThat(admin().status("web").get(0).count(HostState.DONE)).isEqualTo(1);
  }

  @Test
  void theWatchBetweenPollsCountsAnUnhealthyAnswerAtOnceAndReleasesNothingItself()
      throws Exception {
    List<String> looked = new ArrayList<>();
    HealthProbe up =
        () -> {
          looked.add("look");
          return Optional.empty();
        };
    // Admitted and restarting, not yet reported healthy: nothing to watch.
    RolloutGate a = gate("a", Rollouts.rules(1, 1, 1, Duration.ofMinutes(5), Duration.ZERO));
    assertThat(a.admit("warehouse", V).admitted()).isTrue();
    a.confirm();
    new RolloutTicker(a, up).watch();
    assertThat(looked).isEmpty();

    a.runFinished(run(RunResult.CHANGED, ResourceStatus.CHANGED, V, ""));
    new RolloutTicker(a, up).watch();
    assertThat(looked).hasSize(1);
    // Healthy: the slot stays held; releasing it is the poll's (after min_healthy_time).
    assertThat(a.slot()).isPresent();
    assertThat(admin().status("web").get(0).count(HostState.DONE)).isZero();
    // A run in progress may be restarting the services: the poll does not look then either.
    assertThat(new RolloutTicker(a, up).tick(true)).isFalse();
    assertThat(looked).hasSize(1);
  }

  @Test
  void anUnhealthyAnswerToTheWatchCountsTheFailureWithoutWaitingForThePoll() throws Exception {
    RolloutGate a = upgradedAndHealthy("a", 1);
    HealthProbe down = () -> Optional.of("warehouse-web.service: connection refused");
    new RolloutTicker(a, down).watch();

    assertThat(a.slot()).isEmpty();
    RolloutView v = admin().status("web").get(0);
    assertThat(v.count(HostState.FAILED)).isEqualTo(1);
    assertThat(v.state()).isEqualTo(RolloutState.HALTED);
    assertThat(v.haltedReason())
        .contains(
            "a: unhealthy before min_healthy_time was up: warehouse-web.service: connection"
                + " refused");
  }

  @Test
  void aFailedTransactionIsReportedAndHaltsTheRollout() throws Exception {
    RolloutGate a = gate("a", Rollouts.rules(1, 1, 1, Duration.ofMinutes(5), Duration.ZERO));
    a.admit("warehouse", V);
    a.runFinished(
        run(RunResult.FAILED, ResourceStatus.FAILED, "18.09.01", "postinst failed; restored"));

    assertThat(a.slot()).isEmpty();
    RolloutView v = admin().status("web").get(0);
    assertThat(v.state()).isEqualTo(RolloutState.HALTED);
    assertThat(v.haltedReason()).contains("a: postinst failed; restored");
    assertThat(
            gate("b", Rollouts.rules(1, 1, 1, Duration.ofMinutes(5), Duration.ZERO))
                .admit("warehouse", V)
                .verdict())
        .isEqualTo(TransactionGate.Verdict.HALTED);
  }

  @Test
  void aRollbackIsReportedOnceAsTheRolloutsFailure() throws Exception {
    RolloutGate a = gate("a", Rollouts.rules(1, 1, 2, Duration.ofMinutes(5), Duration.ZERO));
    a.admit("warehouse", V);
    a.confirm();
    a.rolledBack("warehouse", V, "warehouse-web.service failed its health check");
    a.runFinished(run(RunResult.FAILED, ResourceStatus.ROLLED_BACK, "18.09.01", "rolled back"));

    RolloutView v = admin().status("web").get(0);
    assertThat(v.failures()).isEqualTo(1);
    assertThat(v.hosts().get(0).reason())
        .isEqualTo("warehouse-web.service failed its health check");
  }

  @Test
  void aHolderPausedPastItsLeaseCannotConfirmAndItsRollbackIsNotCountedTwice() throws Exception {
    RolloutGate a = gate("a", Rollouts.rules(1, 1, 3, Duration.ofSeconds(2), Duration.ZERO));
    a.admit("warehouse", V);
    Thread.sleep(2200);

    assertThatThrownBy(a::confirm)
        .isInstanceOf(ResourceException.class)
        .hasMessageContaining("not restarted: this host lost its rollout slot");
    assertThat(a.lost()).isTrue();
    a.rolledBack("warehouse", V, "not restarted");
    RolloutView v = admin().status("web").get(0);
    assertThat(v.failures()).isEqualTo(1);
    assertThat(v.hosts().get(0).state()).isEqualTo(HostState.EXPIRED);
  }

  @Test
  void aRestartedAgentTakesItsSlotBackAndFencesTheOldProcess() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 1, 3, Duration.ofMinutes(5), Duration.ZERO);
    RolloutGate before = gate("a", rules);
    before.admit("warehouse", V);
    RolloutGate after = gate("a", rules);

    new RolloutTicker(after).adopt();

    assertThat(after.slot()).isPresent();
    assertThat(after.slot().get().epoch()).isGreaterThan(before.slot().get().epoch());
    assertThatThrownBy(before::confirm).isInstanceOf(ResourceException.class);
    // The adopted slot has no healthy report yet: the ticker asks for a converge.
    assertThat(new RolloutTicker(after).tick(false)).isTrue();
    after.runFinished(run(RunResult.UNCHANGED, ResourceStatus.UNCHANGED, V, ""));
    assertThat(after.healthyReported()).isTrue();
  }

  @Test
  void anUnreachableDatabaseClosesTheGateAndShowsInItsHealth() {
    Settings.RolloutDatabase nowhere =
        new Settings.RolloutDatabase(
            "127.0.0.1",
            1,
            "x",
            "agent",
            Optional.empty(),
            "s",
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    RolloutGate a =
        gate("a", Rollouts.rules(1, 1, 1, Duration.ofMinutes(5), Duration.ZERO), nowhere);

    assertThatThrownBy(() -> a.admit("warehouse", V))
        .isInstanceOf(ResourceException.class)
        .hasMessageStartingWith("rollout database unreachable, warehouse 18.09.02 not installed: ");
    assertThat(a.health().reachable()).isFalse();
    assertThat(a.health().databaseErrors()).isEqualTo(1);
    assertThat(new RolloutTicker(a).tick(false)).isFalse();
  }
}
