package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.resource.ResourceId;

class RunHistoryTest {
  @TempDir Path dir;

  @Test
  void recordsTheLastRunOwnerOnlyAndKeepsABoundedHistory() throws Exception {
    Path state = dir.resolve("state");
    RunHistory history = new RunHistory(state, 3);
    for (int i = 0; i < 5; i++) {
      Instant t = Instant.parse("2026-11-27T00:00:00Z").plusSeconds(i);
      history.record(
          new RunReport(
              "run" + i,
              Trigger.MANUAL,
              false,
              t,
              t.plusMillis(5),
              5,
              RunResult.CHANGED,
              List.of(
                  new ResourceReport(
                      ResourceId.parse("file:/a"), ResourceStatus.CHANGED, "x", "y", "", "", 1)),
              List.of(),
              ""));
    }

    assertThat(history.last().orElseThrow().runId()).isEqualTo("run4");
    assertThat(history.last().orElseThrow().resources().get(0).after()).isEqualTo("y");
    assertThat(history.listHistory()).hasSize(3);
    assertThat(history.listHistory().get(0).getFileName().toString()).contains("run2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history.lastRunFile())))
        .isEqualTo("rw-------");
    assertThat(Files.readString(history.lastRunFile()))
        .contains("\"start\" : \"2026-11-27T00:00:04Z\"");
    try (var files = Files.list(state)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(".last-run.json.tmp");
    }
  }

  @Test
  void noRunYetIsEmpty() throws Exception {
    assertThat(new RunHistory(dir, 3).last()).isEmpty();
    assertThat(new RunHistory(dir, 3).lastFailed()).isFalse();
  }

  @Test
  void lastFailedReadsTheLastRunsResult() throws Exception {
    RunHistory history = new RunHistory(dir, 3);
    for (String result : List.of("failed", "changed", "failed", "unchanged")) {
      Instant t = Instant.parse("2026-11-27T00:00:00Z");
      history.record(
          new RunReport(
              "run-" + result,
              Trigger.MANUAL,
              false,
              t,
              t,
              0,
              RunResult.parse(result),
              List.of(),
              List.of(),
              ""));
      assertThat(history.lastFailed()).as(result).isEqualTo(result.equals("failed"));
      assertThat(history.lastFailed()).isEqualTo(history.last().orElseThrow().failed());
    }
  }
}
