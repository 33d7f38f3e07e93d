package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.ResourceId;

class ControlMessageTest {
  private static final ResourceReport RESOURCE =
      new ResourceReport(
          ResourceId.parse("package:warehouse"),
          ResourceStatus.CHANGED,
          "1.0",
          "1.1",
          "a\nb",
          null,
          12);
  private static final RunReport REPORT =
      new RunReport(
          "r1",
          Trigger.MANUAL,
          true,
          Instant.parse("2026-11-27T05:41:58.304Z"),
          Instant.parse("2026-11-27T05:41:59Z"),
          696,
          RunResult.CHANGED,
          List.of(RESOURCE),
          List.of(),
          "boom");

  @Test
  void everyKindReadsBackFromOneLine() throws Exception {
    List<ControlMessage> all =
        List.of(
            ControlMessage.converge(false),
            ControlMessage.statusRequest(),
            ControlMessage.queued("a run is in progress"),
            ControlMessage.started("r1", Trigger.MANUAL, true),
            ControlMessage.resource(RESOURCE, true),
            ControlMessage.finished(REPORT),
            ControlMessage.result(REPORT),
            ControlMessage.error(RunError.FAILED, "no"),
            ControlMessage.status(
                new DaemonStatus(
                    "1.0",
                    42,
                    Instant.parse("2026-11-27T05:00:00Z"),
                    "/etc/warehouse-agent/agent.yml",
                    Instant.parse("2026-11-27T05:00:01Z"),
                    null,
                    null,
                    "http://127.0.0.1:9558/metrics")));
    for (ControlMessage m : all) {
      String line = m.toLine();
      assertThat(line).endsWith("\n");
      assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
      assertThat(ControlMessage.parse(line)).isEqualTo(m);
    }
    assertThat(ControlMessage.converge(true).toLine())
        .isEqualTo("{\"type\":\"converge\",\"whyRun\":true}\n");
    // A message's own null fields are left out (a resource's are written, as data binding did).
    assertThat(ControlMessage.statusRequest().toLine()).isEqualTo("{\"type\":\"status\"}\n");
  }

  @Test
  void refusesWhatIsNotAMessage() {
    assertThatThrownBy(() -> ControlMessage.parse("[1]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ControlMessage.parse("{\"whyRun\":true}"))
        .hasMessageContaining("without a type");
    assertThatThrownBy(() -> ControlMessage.parse("{\"type\":\"converge\"} x"))
        .isInstanceOf(IOException.class);
  }
}
