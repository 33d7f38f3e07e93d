package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.state.Json;
import org.warehouse.agent.state.JsonTree;

/**
 * The daemon writes reports with {@link JsonTree} (jackson-core only); the CLI's {@code --json}
 * still uses data binding. Both must give the same bytes, and a report must read back whole.
 */
class RunReportJsonTest {
  private static final RunReport REPORT =
      new RunReport(
          "3f6449d4",
          "manual",
          false,
          Instant.parse("2026-11-27T05:41:58.304123456Z"),
          Instant.parse("2026-11-27T05:42:00Z"),
          1696,
          "changed",
          List.of(
              new ResourceReport("package:warehouse", "changed", "1.0", "1.1", "", null, 1500),
              new ResourceReport(
                  "file:/opt/warehouse/etc/config.yml",
                  "unchanged",
                  null,
                  null,
                  "quote \" backslash \\ tab \t é ✓",
                  null,
                  3)),
          List.of(new ResourceReport("service:warehouse-web", "changed", "", "", "", null, 40)),
          null);

  @Test
  void writesWhatDataBindingWrites() throws Exception {
    assertThat(new String(JsonTree.write(REPORT.toJson()), StandardCharsets.UTF_8))
        .isEqualTo(Json.mapper().writeValueAsString(REPORT));
  }

  @Test
  void readsBackWhatItWrote() throws Exception {
    byte[] json = JsonTree.write(REPORT.toJson());
    assertThat(RunReport.fromJson(JsonTree.readObject(json, "report"))).isEqualTo(REPORT);
    assertThat(Json.mapper().readValue(json, RunReport.class)).isEqualTo(REPORT);
  }
}
