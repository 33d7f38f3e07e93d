package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.state.Json;
import org.warehouse.agent.state.JsonTree;

/**
 * Reports are written with {@link JsonTree} (jackson-core only) through {@link ReportJson}. Before
 * ids and statuses were typed, reports of plain strings went through data binding for {@code
 * --json}: the bytes must be the same, and a report must read back whole, in both forms.
 */
class RunReportJsonTest {
  /** A resource report as it was before its id and status were typed. */
  record LegacyResource(
      String id,
      String status,
      String before,
      String after,
      String detail,
      String error,
      long durationMs) {}

  /** A run report as it was before its resources' ids and statuses were typed. */
  record LegacyRun(
      String runId,
      String trigger,
      boolean whyRun,
      Instant start,
      Instant end,
      long durationMs,
      String result,
      List<LegacyResource> resources,
      List<LegacyResource> notifications,
      String error) {}

  private static final LegacyRun LEGACY =
      new LegacyRun(
          "3f6449d4",
          "manual",
          false,
          Instant.parse("2026-11-27T05:41:58.304123456Z"),
          Instant.parse("2026-11-27T05:42:00Z"),
          1696,
          "changed",
          List.of(
              new LegacyResource("package:warehouse", "changed", "1.0", "1.1", "", "", 1500),
              new LegacyResource(
                  "file:/opt/warehouse/etc/config.yml",
                  "unchanged",
                  "",
                  "",
                  "quote \" backslash \\ tab \t é ✓",
                  "",
                  3)),
          List.of(new LegacyResource("service:warehouse-web", "changed", "", "", "", "", 40)),
          "");

  private static final RunReport REPORT =
      new RunReport(
          "3f6449d4",
          Trigger.MANUAL,
          false,
          Instant.parse("2026-11-27T05:41:58.304123456Z"),
          Instant.parse("2026-11-27T05:42:00Z"),
          1696,
          RunResult.CHANGED,
          List.of(
              new ResourceReport(
                  ResourceId.parse("package:warehouse"),
                  ResourceStatus.CHANGED,
                  "1.0",
                  "1.1",
                  "",
                  null,
                  1500),
              new ResourceReport(
                  ResourceId.parse("file:/opt/warehouse/etc/config.yml"),
                  ResourceStatus.UNCHANGED,
                  null,
                  null,
                  "quote \" backslash \\ tab \t é ✓",
                  null,
                  3)),
          List.of(
              new ResourceReport(
                  ResourceId.parse("service:warehouse-web"),
                  ResourceStatus.CHANGED,
                  "",
                  "",
                  "",
                  null,
                  40)),
          null);

  @Test
  void writesWhatDataBindingWroteForUntypedReports() throws Exception {
    assertThat(new String(JsonTree.write(ReportJson.toJson(REPORT)), StandardCharsets.UTF_8))
        .isEqualTo(Json.mapper().writeValueAsString(LEGACY));
  }

  @Test
  void readsBackWhatItWrote() throws Exception {
    byte[] json = JsonTree.write(ReportJson.toJson(REPORT));
    assertThat(ReportJson.runReport(JsonTree.readObject(json, "report"))).isEqualTo(REPORT);
    assertThat(Json.mapper().readValue(json, LegacyRun.class)).isEqualTo(LEGACY);
    byte[] legacy = Json.mapper().writeValueAsBytes(LEGACY);
    assertThat(ReportJson.runReport(JsonTree.readObject(legacy, "report"))).isEqualTo(REPORT);
  }
}
