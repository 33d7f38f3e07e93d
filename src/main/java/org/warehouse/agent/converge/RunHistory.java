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
import org.warehouse.agent.state.DamagedState;
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

  /**
   * Records {@code report} as the last run and in the history; prunes the oldest beyond limit.
   * last-run.json first (status and the next run read it), then the history, each tried even when
   * the other failed.
   *
   * @throws IOException naming what was not written (the file, and why)
   */
  public void record(RunReport report) throws IOException {
    byte[] json = JsonTree.write(ReportJson.toJson(report));
    List<String> failed = new ArrayList<>();
    try {
      StateFiles.ensureDir(stateDir);
      StateFiles.writeAtomically(lastRunFile(), json);
    } catch (IOException e) {
      failed.add(lastRunFile() + ": " + e);
    }
    Path history = stateDir.resolve("history");
    try {
      StateFiles.ensureDir(history);
      StateFiles.writeAtomically(
          history.resolve("run-" + STAMP.format(report.start()) + "-" + report.runId() + ".json"),
          json);
      List<Path> runs = listHistory();
      for (int i = 0; i < runs.size() - limit; i++) {
        Files.deleteIfExists(runs.get(i));
      }
    } catch (IOException e) {
      failed.add(history + ": " + e);
    }
    if (!failed.isEmpty()) {
      throw new IOException(String.join("; ", failed));
    }
  }

  /**
   * The last run's report, if any run was recorded and its file is sound: a damaged or unreadable
   * last-run.json is a warning naming it, and no last run (the next run rewrites it).
   */
  public Optional<RunReport> last() throws IOException {
    try {
      return Optional.of(read(lastRunFile()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      DamagedState.warn(lastRunFile(), e.getCause() == null ? e : e.getCause(), "no last run");
      return Optional.empty();
    }
  }

  /**
   * Whether the last recorded run failed (false when none was recorded). Reads only its result:
   * every converge asks, and none needs the whole report (its instants, every resource). A damaged
   * last-run.json (an unknown result too) counts as a failed run: one extra apt-get update, never a
   * failed run.
   */
  public boolean lastFailed() throws IOException {
    byte[] json;
    try {
      json = Files.readAllBytes(lastRunFile());
      Map<String, Object> m = JsonTree.readObject(json, "the last run");
      return ReportJson.result(m) == RunResult.FAILED;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      DamagedState.warn(lastRunFile(), e, "counted as a failed run");
      return true;
    }
  }

  /**
   * One report file of this history (last-run.json or a history file).
   *
   * @throws IOException naming {@code file} when it cannot be read or is not a whole report
   */
  public static RunReport read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return ReportJson.runReport(JsonTree.readObject(bytes, "the report"));
    } catch (IOException e) {
      throw new IOException(file + " is damaged (" + DamagedState.problem(e) + ")", e);
    }
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
