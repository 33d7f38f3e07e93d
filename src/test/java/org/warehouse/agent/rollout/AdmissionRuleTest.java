package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure admission decision, in the canary stage. */
class AdmissionRuleTest {
  private static final HostId HOST = new HostId("h");

  /** Canary stage, 3 canaries wanted, max_parallel 10, halt after 3. */
  private static Snapshot canaryStage(int failures, int canaries, int canariesDone, int live) {
    return new Snapshot(
        1,
        RolloutState.CANARY,
        List.of(),
        3,
        10,
        3,
        failures,
        7,
        "",
        live,
        0,
        canaries,
        canariesDone,
        Optional.empty());
  }

  @Test
  void aFailedCanaryIsNotReplacedWhileOtherCanariesAreInFlight() {
    // One of three canaries failed; two still install: a fourth host would only spread the release.
    assertThat(AdmissionRule.decide(canaryStage(1, 2, 0, 2), HOST))
        .isInstanceOf(AdmissionRule.Wait.class);
  }

  @Test
  void aFailedCanaryIsReplacedOnceTheOthersFinished() {
    assertThat(AdmissionRule.decide(canaryStage(1, 2, 2, 0), HOST))
        .isEqualTo(new AdmissionRule.Grant(true));
  }

  @Test
  void theFirstCanariesAreGrantedWhileNoneFailed() {
    assertThat(AdmissionRule.decide(canaryStage(0, 2, 0, 2), HOST))
        .isEqualTo(new AdmissionRule.Grant(true));
  }
}
