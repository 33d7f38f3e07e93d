package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TriggerAndRunResultTest {
  @Test
  void triggerLabelsAreTheWireFormsOfEarlierVersions() {
    assertThat(Arrays.stream(Trigger.values()).map(Trigger::label))
        .containsExactly("scheduled", "manual", "rollout");
    for (Trigger t : Trigger.values()) {
      assertThat(Trigger.parse(t.label())).isSameAs(t);
      assertThat(t).hasToString(t.label());
    }
    assertThatThrownBy(() -> Trigger.parse("MANUAL")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Trigger.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runResultLabelsAreTheWireFormsOfEarlierVersions() {
    assertThat(Arrays.stream(RunResult.values()).map(RunResult::label))
        .containsExactly("unchanged", "changed", "failed");
    for (RunResult r : RunResult.values()) {
      assertThat(RunResult.parse(r.label())).isSameAs(r);
      assertThat(r).hasToString(r.label());
    }
    assertThatThrownBy(() -> RunResult.parse("would_change"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
