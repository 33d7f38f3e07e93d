package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.resource.ResourceId;

/** Faults of the state directory: shared by two agents, unwritable in the middle of a run. */
class StateFaultsTest {
  @TempDir Path dir;

  private Settings settings(String runDir, String extra) throws Exception {
    Path yml = dir.resolve(runDir + ".yml");
    Files.writeString(
        yml,
        "state_dir: "
            + dir.resolve("state")
            + "\nrun_dir: "
            + dir.resolve(runDir)
            + "\nattributes: {files: []}\nmetrics: {listen: '127.0.0.1:0'}\n"
            + extra);
    return SettingsLoader.load(yml);
  }

  @Test
  void twoAgentsWithDifferentRunDirsOverOneStateDirExcludeEachOther() throws Exception {
    Settings a = settings("run-a", "lock_timeout: 1s\n");
    Settings b = settings("run-b", "lock_timeout: 1s\n");
    // Agent A's lock, held by another JVM as it would be on a host (fcntl locks are per process).
    Process holder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    RunLockTest.LockHolder.class.getName(),
                    RunLock.file(a).toString()))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      FakeResources.Value value = new FakeResources.Value("file:/x", "new", "old");
      Converger agentB =
          new Converger(
              b, s -> new Plan(List.of(value), Map.of()), RunListener.NONE, Clock.systemUTC());

      assertThatThrownBy(() -> agentB.converge(Trigger.MANUAL, false))
          .isInstanceOf(LockBusyException.class)
          .hasMessageContaining(dir.resolve("state/run.lock").toString())
          .hasMessageContaining("(pid " + holder.pid() + ")");
      assertThat(value.applies).hasValue(0);
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void aStateDirThatCannotBeWrittenMidRunStillRollsBackAndSaysTheRecordIsMissing()
      throws Exception {
    Settings s = settings("run", "");
    FakeResources.Undoable pkg = new FakeResources.Undoable("package:w", "2", "1", true);
    FakeResources.CheckedService web =
        new FakeResources.CheckedService("service:web", () -> pkg.actual.equals("1"));
    Path state = Files.createDirectories(dir.resolve("state"));
    PlanFactory breakingTheStateDir =
        settings -> {
          try {
            // What a full disk or a read-only remount does to the writes: they fail. As root,
            // chmod would not stop them; a file where a directory must be, and the reverse, do.
            Files.writeString(state.resolve("history"), "not a directory");
            Files.createDirectories(state.resolve("last-run.json/x"));
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
          Set<ResourceId> on = new LinkedHashSet<>(List.of(pkg.id()));
          return new Plan(List.of(pkg, web), Map.of(web.id(), on));
        };
    List<String> warnings = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            warnings.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger(Converger.class.getName());
    log.addHandler(capture);
    RunReport report;
    try {
      report =
          new Converger(s, breakingTheStateDir, RunListener.NONE, Clock.systemUTC())
              .converge(Trigger.MANUAL, false);
    } finally {
      log.removeHandler(capture);
    }

    assertThat(pkg.actual).isEqualTo("1");
    assertThat(pkg.rollbacks).hasSize(1);
    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error())
        .contains("rolled back to package:w 1")
        .contains("; the run was not recorded: " + state.resolve("last-run.json"))
        .contains(state.resolve("history").toString());
    assertThat(warnings).singleElement().asString().startsWith("the run was not recorded: ");
  }
}
