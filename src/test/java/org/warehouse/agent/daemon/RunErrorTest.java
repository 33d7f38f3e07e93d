package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RunErrorTest {
  @Test
  void labelsAreTheErrorKindsEarlierVersionsSent() {
    assertThat(Arrays.stream(RunError.values()).map(RunError::label))
        .containsExactly("lock_busy", "invalid_input", "stopping", "busy", "failed");
    for (RunError e : RunError.values()) {
      assertThat(RunError.fromLabel(e.label())).isSameAs(e);
      assertThat(e).hasToString(e.label());
    }
  }

  @Test
  void onTheSocketAnErrorIsItsLabel() throws Exception {
    String line = ControlMessage.error(RunError.LOCK_BUSY, "held").toLine();
    assertThat(line)
        .isEqualTo("{\"type\":\"error\",\"error\":\"lock_busy\",\"message\":\"held\"}\n");
    assertThat(ControlMessage.parse(line).error()).isSameAs(RunError.LOCK_BUSY);
  }

  @Test
  void aKindThisClientDoesNotKnowIsAFailureAsBefore() throws Exception {
    assertThat(RunError.fromLabel("quota_exceeded")).isSameAs(RunError.FAILED);
    ControlMessage m =
        ControlMessage.parse("{\"type\":\"error\",\"error\":\"quota_exceeded\",\"message\":\"m\"}");
    assertThat(m.error()).isSameAs(RunError.FAILED);
    assertThat(m.message()).isEqualTo("m");
  }
}
