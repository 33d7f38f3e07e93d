package org.warehouse.agent.converge;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.state.StateFiles;

/** last-run.json and a bounded history of run reports in the state directory. */
public final class RunHistory {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private final Path stateDir;
  private final int limit;

  public RunHistory(Path stateDir, int limit) {
    this.stateDir = stateDir;
    this.limit = limit;
  }

  public Path lastRunFile() {
    return stateDir.resolve("last-run.json");
  }

  /** Records {@code report} as the last run and in the history; prunes the oldest beyond limit. */
  public void record(RunReport report) throws IOException {
    StateFiles.ensureDir(stateDir);
    Path history = StateFiles.ensureDir(stateDir.resolve("history"));
    byte[] json = JsonTree.write(report.toJson());
    StateFiles.writeAtomically(
        history.resolve("run-" + STAMP.format(report.start()) + "-" + report.runId() + ".json"),
        json);
    StateFiles.writeAtomically(lastRunFile(), json);
    List<Path> runs = listHistory();
    for (int i = 0; i < runs.size() - limit; i++) {
      Files.deleteIfExists(runs.get(i));
    }
  }

  /** The last run's report, if any run was recorded. */
  public Optional<RunReport> last() throws IOException {
    try {
      return Optional.of(read(lastRunFile()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether the last recorded run failed (false when none was recorded). Reads only its result:
   * converting the whole report (its instants, every resource) was ~5 ms of a cold converge.
   */
  public boolean lastFailed() throws IOException {
    byte[] json;
    try {
      json = Files.readAllBytes(lastRunFile());
    } catch (NoSuchFileException e) {
      return false;
    }
    Map<String, Object> m = JsonTree.readObject(json, lastRunFile().toString());
    return RunResult.FAILED.label().equals(JsonTree.string(m, "result"));
  }

  /** One report file of this history (last-run.json or a history file). */
  public static RunReport read(Path file) throws IOException {
    return RunReport.fromJson(JsonTree.readObject(Files.readAllBytes(file), file.toString()));
  }

  /** History files, oldest first (names sort by time). */
  public List<Path> listHistory() throws IOException {
    Path dir = stateDir.resolve("history");
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "run-*.json")) {
      for (Path p : ds) {
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }
}
