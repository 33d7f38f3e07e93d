package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.state.JsonTree;

class DaemonStatusJsonTest {
  private static final DaemonStatus IDLE =
      new DaemonStatus(
          "26.11.01",
          42,
          Instant.parse("2026-11-27T05:00:00Z"),
          "/etc/warehouse-agent/agent.yml",
          Instant.parse("2026-11-27T05:00:01.5Z"),
          null,
          null,
          "");

  @Test
  void writesTheBytesTheHandWrittenFormWrote() throws Exception {
    // Declaration order, instants as ISO text, nulls written: what status --json and the socket
    // have always carried.
    assertThat(JsonTree.line(StatusJson.toJson(IDLE)))
        .isEqualTo(
            "{\"version\":\"26.11.01\",\"pid\":42,\"startedAt\":\"2026-11-27T05:00:00Z\","
                + "\"config\":\"/etc/warehouse-agent/agent.yml\","
                + "\"configLoadedAt\":\"2026-11-27T05:00:01.500Z\",\"nextRun\":null,"
                + "\"runningSince\":null,\"metrics\":\"\"}");
  }

  @Test
  void readsBackWhatItWrote() throws Exception {
    String line = JsonTree.line(StatusJson.toJson(IDLE));
    assertThat(StatusJson.daemonStatus(JsonTree.object(JsonTree.read(line), "status")))
        .isEqualTo(IDLE);
  }
}
