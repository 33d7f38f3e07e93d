package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fleet simulation (src/bench, bench.sh fleet) keeps the rollout's rules: never more than
 * max_parallel hosts hold a slot, canaries first, a bad release halted at the canaries. The checks
 * count on the hosts' side, apart from the rows, so a broken rule shows.
 */
class FleetRolloutSimulationTest {
  private static final int CANARY = 3;

  private static FleetParams params(int maxParallel, FleetParams.Release release, int haltAfter) {
    return new FleetParams(
        2_000,
        Duration.ofMinutes(1),
        Duration.ofSeconds(30),
        new RolloutRules(
            List.of(),
            CANARY,
            maxParallel,
            haltAfter,
            Duration.ofMinutes(10),
            Duration.ofMinutes(5)),
        release,
        3.35,
        1.0,
        Duration.ofSeconds(60),
        7);
  }

  @Test
  void aGoodReleaseReachesEveryHostNeverMoreThanMaxParallelAtOnce() {
    FleetResult r = FleetRolloutSimulation.run(params(20, FleetParams.Release.GOOD, 1));

    assertThat(r.maxHolding()).isEqualTo(20);
    assertThat(r.healthy()).isEqualTo(2_000);
    assertThat(r.installed()).isEqualTo(2_000);
    assertThat(r.finalState()).isEqualTo(RolloutState.ROLLING);
    // Waves of 20, each a little over min_healthy_time: about 100 of them.
    assertThat(r.last()).isBetween(Duration.ofHours(8).toMillis(), Duration.ofHours(11).toMillis());
  }

  @Test
  void canariesAreHealthyForMinHealthyTimeBeforeAnyOtherHostIsAdmitted() {
    FleetResult r = FleetRolloutSimulation.run(params(50, FleetParams.Release.GOOD, 1));

    assertThat(r.promotedAt()).isGreaterThan(Duration.ofMinutes(5).toMillis());
    assertThat(r.firstOther()).isGreaterThanOrEqualTo(r.promotedAt());
  }

  @Test
  void aCrashingReleaseIsHaltedAtTheCanariesWithHaltAfterOne() {
    FleetResult r = FleetRolloutSimulation.run(params(50, FleetParams.Release.CRASHES, 1));

    assertThat(r.finalState()).isEqualTo(RolloutState.HALTED);
    assertThat(r.promoted()).isFalse();
    assertThat(r.installed()).isEqualTo(CANARY);
    assertThat(r.restarted()).isLessThanOrEqualTo(CANARY);
    assertThat(r.healthy()).isZero();
    assertThat(r.haltedAt()).isBetween(1L, Duration.ofSeconds(30).toMillis());
  }

  @Test
  void anUnhealthyReleaseIsHaltedBeforeAnyHostButCanariesAndTheirStandInsInstallsIt() {
    // A failed canary frees its canary place: at most halt_after - 1 stand-ins get it.
    FleetResult r = FleetRolloutSimulation.run(params(50, FleetParams.Release.UNHEALTHY, 3));

    assertThat(r.finalState()).isEqualTo(RolloutState.HALTED);
    assertThat(r.promoted()).isFalse();
    assertThat(r.firstOther()).isEqualTo(-1);
    assertThat(r.installed()).isBetween(CANARY, CANARY + 3 - 1);
    assertThat(r.healthy()).isZero();
  }

  @Test
  void theChecksCatchARuleThatIgnoresMaxParallel() {
    RolloutTablesModel.Rule broken =
        (s, host) ->
            s.state() == RolloutState.HALTED
                ? new AdmissionRule.Stop("halted")
                : new AdmissionRule.Grant(false);

    FleetResult good =
        new FleetRolloutSimulation(params(20, FleetParams.Release.GOOD, 1), broken).run();
    FleetResult bad =
        new FleetRolloutSimulation(params(20, FleetParams.Release.CRASHES, 3), broken).run();

    assertThat(good.maxHolding()).isGreaterThan(20);
    assertThat(bad.installed()).isGreaterThan(CANARY + 3 - 1);
  }
}
