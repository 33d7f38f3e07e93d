package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.daemon.Daemon;
import org.warehouse.agent.daemon.SettingsSource;
import org.warehouse.agent.daemon.TestSettings;

/** Damaged state files met by the daemon's start and by the commands, as processes. */
class DamagedStateCliTest {
  private static final List<String> DAMAGED_RUNS =
      List.of("{}", "{\"end\": null}", "{\"runId\": \"r\", \"result\": \"changed\", \"st", "");

  @TempDir Path dir;
  private Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.stopInOrder("test over");
    }
  }

  private Path config() throws Exception {
    Files.createDirectories(dir.resolve("state"));
    return TestSettings.write(dir, "first_run_delay: 1h\n");
  }

  @Test
  void theDaemonStartsOverADamagedLastRun() throws Exception {
    Path yml = config();
    for (String damaged : DAMAGED_RUNS) {
      Files.writeString(dir.resolve("state/last-run.json"), damaged);
      Files.createDirectories(dir.resolve("state/history"));
      Files.writeString(dir.resolve("state/history/run-20261207T000000.000Z-x.json"), damaged);
      SettingsSource source =
          new SettingsSource() {
            @Override
            public Settings load() throws ConfigException {
              return SettingsLoader.load(yml);
            }

            @Override
            public Path path() {
              return yml;
            }
          };
      daemon =
          new Daemon(source, source.load(), Wiring::converger, "test", "host-a", Clock.systemUTC());
      daemon.start();
      assertThat(daemon.metrics().scrape()).as(damaged).contains("warehouse_agent_");
      daemon.stopInOrder("next");
      daemon = null;
    }
  }

  @Test
  void statusShowsADamagedLastRunAsUnknownAndNamesTheFile() throws Exception {
    Path yml = config();
    Path last = dir.resolve("state/last-run.json");
    for (String damaged : DAMAGED_RUNS) {
      Files.writeString(last, damaged);
      AgentProcess.Result r = AgentProcess.run("status", "--config", yml.toString());
      assertThat(r.exit()).as(damaged + ": " + r.err()).isZero();
      assertThat(r.err()).as(damaged).contains(last + " is damaged (").doesNotContain("internal");
      assertThat(r.out()).as(damaged).contains("last run:    unknown: " + last + " is damaged");
      AgentProcess.Result json = AgentProcess.run("status", "--json", "--config", yml.toString());
      assertThat(json.exit()).as(damaged + ": " + json.err()).isZero();
      assertThat(json.out()).contains("\"damaged_state\"").contains(last.toString());
    }
  }

  @Test
  void aDamagedQuarantineIsShownAndBlocksNothingElse() throws Exception {
    Path yml = config();
    Path q = dir.resolve("state/quarantine.json");
    Files.writeString(q, "{\"quarantined\": [{\"package\": 7}]}");
    AgentProcess.Result r = AgentProcess.run("status", "--config", yml.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("quarantine:  DAMAGED, installs wait: " + q + " is damaged (");
    AgentProcess.Result list = AgentProcess.run("quarantine", "list", "--config", yml.toString());
    assertThat(list.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(list.err()).contains(q + " is damaged (").doesNotContain("internal");
  }

  @Test
  void aDamagedDisabledRecordCountsAsDisabled() throws Exception {
    Path yml = config();
    Path d = dir.resolve("state/disabled.json");
    for (String damaged :
        List.of("", "{}", "null", "{\"reason\": 5, \"since\": 1}", "\u00ff\u00fe")) {
      Files.writeString(d, damaged);
      AgentProcess.Result r = AgentProcess.run("converge", "--now", "--config", yml.toString());
      assertThat(r.exit()).as(damaged + ": " + r.err()).isEqualTo(ExitCodes.LOCK_BUSY);
      assertThat(r.err()).as(damaged).contains("not converging: " + d + " is ");
      AgentProcess.Result s = AgentProcess.run("status", "--config", yml.toString());
      assertThat(s.exit()).as(s.err()).isZero();
      assertThat(s.out()).contains("DISABLED:").contains(d.toString());
    }
  }
}
