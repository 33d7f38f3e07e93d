package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.converge.ReportJson;
import org.warehouse.agent.converge.RunHistory;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.daemon.Daemon;
import org.warehouse.agent.daemon.SettingsSource;
import org.warehouse.agent.daemon.TestSettings;
import org.warehouse.agent.state.Json;
import org.warehouse.agent.state.JsonTree;

/**
 * The CLI against a daemon running in this JVM, with the real wiring and an agent.yml that manages
 * nothing on this host (so a converge touches only temporary directories).
 */
class DaemonCliTest {
  @TempDir Path dir;
  private Daemon daemon;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @AfterEach
  void stopDaemon() {
    if (daemon != null) {
      daemon.stopInOrder("test over");
    }
  }

  private Path config(String extra) throws Exception {
    Path yml = TestSettings.write(dir, List.of(dir.resolve("attributes.d")), extra);
    Files.createDirectories(dir.resolve("attributes.d"));
    return yml;
  }

  private Daemon startDaemon(Path yml) throws Exception {
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
    return daemon;
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void convergeNowRunsInTheDaemonWithTheSameOutputAndExitCodes() throws Exception {
    Path yml = config("first_run_delay: 1h\n");
    int inProcess = run("converge", "--now", "--detailed-exitcodes", "--config", yml.toString());
    String inProcessOut = out.toString();
    startDaemon(yml);

    int viaDaemon = run("converge", "--now", "--detailed-exitcodes", "--config", yml.toString());

    assertThat(viaDaemon).isEqualTo(inProcess).isZero();
    assertThat(out.toString().replaceAll("\\d+ ms", "N ms"))
        .isEqualTo(inProcessOut.replaceAll("\\d+ ms", "N ms"))
        .isEqualTo("result: unchanged in N ms\n");
    assertThat(daemon.metrics().scrape())
        .contains(
            "warehouse_agent_converge_runs_total{result=\"unchanged\",trigger=\"manual\"} 1.0");

    assertThat(run("converge", "--now", "--json", "--config", yml.toString())).isZero();
    RunReport report =
        ReportJson.runReport(
            JsonTree.readObject(out.toString().getBytes(StandardCharsets.UTF_8), "report"));
    assertThat(report.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(new RunHistory(dir.resolve("state"), 50).last().map(RunReport::runId).orElseThrow())
        .isEqualTo(report.runId());
  }

  @Test
  void whyRunGoesThroughTheDaemonAndIsNotCountedAsAConverge() throws Exception {
    Path yml = config("first_run_delay: 1h\n");
    startDaemon(yml);

    assertThat(
            run(
                "converge",
                "--now",
                "--why-run",
                "--detailed-exitcodes",
                "--config",
                yml.toString()))
        .isZero();

    assertThat(out.toString()).startsWith("why-run: result: unchanged in ");
    assertThat(daemon.metrics().scrape())
        .contains(
            "warehouse_agent_converge_runs_total{result=\"unchanged\",trigger=\"manual\"} 0.0");
    assertThat(new RunHistory(dir.resolve("state"), 50).last()).isEmpty();
  }

  @Test
  void invalidInputExits78EitherWay() throws Exception {
    Path yml = config("first_run_delay: 1h\n");
    Files.writeString(dir.resolve("attributes.d/10-bad.yml"), "warehouse: [\n");
    assertThat(run("converge", "--now", "--config", yml.toString())).isEqualTo(78);
    String inProcessErr = err.toString();
    startDaemon(yml);

    assertThat(run("converge", "--now", "--config", yml.toString())).isEqualTo(78);

    assertThat(err.toString()).contains("agent: invalid input, nothing changed: ");
    assertThat(inProcessErr).contains("agent: invalid input, nothing changed: ");
  }

  @Test
  void statusShowsTheDaemonsNextRunElseUnknown() throws Exception {
    Path yml = config("first_run_delay: 1h\n");
    assertThat(run("status", "--config", yml.toString())).isZero();
    assertThat(out.toString()).contains("next run:    unknown (no daemon)");
    startDaemon(yml);

    assertThat(run("status", "--config", yml.toString())).isZero();

    assertThat(out.toString())
        .containsPattern("next run:    20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z \\(daemon pid \\d+\\)");
    assertThat(run("status", "--json", "--config", yml.toString())).isZero();
    assertThat(Json.mapper().readTree(out.toString()).get("next_run").asText())
        .isEqualTo(daemon.nextRun().orElseThrow().toString());
  }

  @Test
  void aScheduledRunHappensOnItsOwnAfterTheFirstRunDelay() throws Exception {
    Path yml = config("first_run_delay: 200ms\n");
    startDaemon(yml);
    RunHistory history = new RunHistory(dir.resolve("state"), 50);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (history.last().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(history.last())
        .hasValueSatisfying(r -> assertThat(r.trigger()).isEqualTo(Trigger.SCHEDULED));
  }

  @Test
  void aReloadWithAnInvalidFileKeepsTheOldSettingsAndSaysWhy() throws Exception {
    Path yml = config("first_run_delay: 1h\ninterval: 30m\n");
    startDaemon(yml);
    Settings before = daemon.settings();
    List<LogRecord> logged = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger.getLogger("daemon").addHandler(capture);
    try {
      Files.writeString(
          yml, Files.readString(yml).replace("interval: 30m", "interval: 30 minutes"));
      daemon.reload();
      assertThat(daemon.settings()).isSameAs(before);
      assertThat(logged)
          .anySatisfy(
              r -> {
                assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
                assertThat(r.getMessage())
                    .contains("is invalid; keeping the settings loaded at")
                    .contains(yml + ":6: interval");
              });

      Files.writeString(
          yml, Files.readString(yml).replace("interval: 30 minutes", "interval: 10m"));
      daemon.reload();
      assertThat(daemon.settings().interval()).isEqualTo(Duration.ofMinutes(10));
    } finally {
      Logger.getLogger("daemon").removeHandler(capture);
    }
  }
}
