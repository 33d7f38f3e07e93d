package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.resource.Outcome;

class ResourceStatusTest {
  @Test
  void labelsAreTheWireFormsOfEarlierVersions() {
    assertThat(Arrays.stream(ResourceStatus.values()).map(ResourceStatus::label))
        .containsExactly(
            "unchanged",
            "would_change",
            "changed",
            "failed",
            "skipped",
            "timed_out",
            "rolled_back",
            "rollback_failed");
    for (ResourceStatus s : ResourceStatus.values()) {
      assertThat(ResourceStatus.parse(s.label())).isSameAs(s);
      assertThat(s).hasToString(s.label());
    }
    assertThatThrownBy(() -> ResourceStatus.parse("CHANGED"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedRollbackCountsAsChangedAndFailed() {
    assertThat(ResourceStatus.values())
        .filteredOn(ResourceStatus::changed)
        .containsExactly(
            ResourceStatus.WOULD_CHANGE, ResourceStatus.CHANGED, ResourceStatus.ROLLBACK_FAILED);
    assertThat(ResourceStatus.values())
        .filteredOn(ResourceStatus::failed)
        .containsExactly(
            ResourceStatus.FAILED, ResourceStatus.TIMED_OUT, ResourceStatus.ROLLBACK_FAILED);
  }

  @Test
  void aResourcesOutcomeIsTheStatusOfTheSameName() {
    for (Outcome o : Outcome.values()) {
      assertThat(ResourceStatus.of(o).name()).isEqualTo(o.name());
    }
  }
}
