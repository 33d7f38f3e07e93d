package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure admission decision, case by case. */
class AdmissionRuleTest {
  private static final HostId HOST = new HostId("app-2");

  private static Snapshot snapshot(
      RolloutState state,
      List<String> named,
      int canaryCount,
      int maxParallel,
      int live,
      int expired,
      int canaries,
      int done,
      Optional<Snapshot.Mine> mine) {
    return new Snapshot(
        1,
        state,
        named,
        canaryCount,
        maxParallel,
        3,
        0,
        7,
        "2 failure(s)",
        live,
        expired,
        canaries,
        done,
        mine);
  }

  private static Snapshot canary(int live, int canaries, Optional<Snapshot.Mine> mine) {
    return snapshot(RolloutState.CANARY, List.of(), 3, 10, live, 0, canaries, 0, mine);
  }

  @Test
  void theFirstHostsToAskAreTheCanaries() {
    assertThat(AdmissionRule.decide(canary(2, 2, Optional.empty()), HOST))
        .isEqualTo(new AdmissionRule.Grant(true));
    assertThat(AdmissionRule.decide(canary(3, 3, Optional.empty()), HOST))
        .isEqualTo(
            new AdmissionRule.Wait("canaries first: 0 of 3 canaries healthy for min_healthy_time"));
  }

  @Test
  void aCanarysSpotIsItsOwnAfterARestartButNotAfterItFailed() {
    Optional<Snapshot.Mine> expired =
        Optional.of(new Snapshot.Mine(HostState.EXPIRED, true, false));
    Optional<Snapshot.Mine> failed = Optional.of(new Snapshot.Mine(HostState.FAILED, true, false));
    assertThat(AdmissionRule.decide(canary(2, 3, expired), HOST))
        .isEqualTo(new AdmissionRule.Grant(true));
    assertThat(AdmissionRule.decide(canary(2, 3, failed), HOST))
        .isInstanceOf(AdmissionRule.Wait.class);
  }

  @Test
  void aLiveSlotIsGivenBackEvenWhenEverySlotIsTaken() {
    Optional<Snapshot.Mine> holding =
        Optional.of(new Snapshot.Mine(HostState.VERIFYING, false, true));
    Snapshot full = snapshot(RolloutState.ROLLING, List.of(), 3, 2, 2, 0, 3, 3, holding);
    assertThat(AdmissionRule.decide(full, HOST)).isEqualTo(new AdmissionRule.Again(false));
    Snapshot fullOfOthers =
        snapshot(RolloutState.ROLLING, List.of(), 3, 2, 2, 0, 3, 3, Optional.empty());
    assertThat(AdmissionRule.decide(fullOfOthers, HOST))
        .isEqualTo(new AdmissionRule.Wait("all 2 slots held (max_parallel)"));
  }

  @Test
  void anExpiredLeaseNoLongerHoldsASlot() {
    Snapshot expired =
        snapshot(RolloutState.ROLLING, List.of(), 3, 2, 2, 1, 3, 3, Optional.empty());
    assertThat(AdmissionRule.decide(expired, HOST)).isEqualTo(new AdmissionRule.Grant(false));
  }

  @Test
  void namedCanariesGoFirstAndNobodyElse() {
    Snapshot named =
        snapshot(
            RolloutState.CANARY, List.of("app-1", "app-2"), 2, 10, 0, 0, 0, 0, Optional.empty());
    assertThat(AdmissionRule.decide(named, HOST)).isEqualTo(new AdmissionRule.Grant(true));
    assertThat(AdmissionRule.decide(named, new HostId("app-9")))
        .isEqualTo(
            new AdmissionRule.Wait(
                "canaries first (app-1, app-2): 0 of 2 canaries healthy for min_healthy_time"));
  }

  @Test
  void aHaltedRolloutAdmitsNobodyNotEvenAHolder() {
    Optional<Snapshot.Mine> holding =
        Optional.of(new Snapshot.Mine(HostState.INSTALLING, true, true));
    Snapshot halted = snapshot(RolloutState.HALTED, List.of(), 3, 10, 1, 0, 1, 0, holding);
    assertThat(AdmissionRule.decide(halted, HOST))
        .isEqualTo(new AdmissionRule.Stop("rollout halted: 2 failure(s)"));
  }
}
