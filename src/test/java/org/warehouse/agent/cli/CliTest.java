package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.daemon.TestSettings;
import org.warehouse.agent.resource.ResourceId;

class CliTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void everyDesignCommandHasHelp() {
    for (String c : List.of("daemon", "converge", "status", "check-config", "attributes")) {
      assertThat(run(c, "--help")).as(c).isZero();
    }
    assertThat(out.toString()).contains("--why-run", "--detailed-exitcodes", "--explain");
  }

  @Test
  void topLevelHelpListsEveryCommandAndHelpNamesOne() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "daemon",
            "converge",
            "status",
            "check-config",
            "attributes",
            "compare-versions",
            "quarantine",
            "disable",
            "enable");
    assertThat(run("help", "disable")).isZero();
    assertThat(out.toString()).contains("--reason=TEXT");
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("warehouse-agent ");
  }

  @Test
  void usageErrorsExit64() {
    assertThat(run("no-such-command")).isEqualTo(64);
    assertThat(run("converge", "--bogus")).isEqualTo(64);
    assertThat(run("converge")).isEqualTo(64);
    assertThat(err.toString()).contains("--now is required");
  }

  @Test
  void configurationErrorsExit78NamingFileLineAndKey() throws Exception {
    Path yml = dir.resolve("agent.yml");
    Files.writeString(yml, "interval: 30m\nintervall: 1h\n");
    assertThat(run("check-config", "--config", yml.toString())).isEqualTo(78);
    assertThat(run("converge", "--now", "--config", yml.toString())).isEqualTo(78);
    assertThat(run("status", "--config", yml.toString())).isEqualTo(78);
    assertThat(run("disable", "--reason", "x", "--config", yml.toString())).isEqualTo(78);
    assertThat(run("enable", "--config", yml.toString())).isEqualTo(78);
    assertThat(run("quarantine", "list", "--config", yml.toString())).isEqualTo(78);
    assertThat(err.toString())
        .contains(yml + ":2: intervall: unknown key (did you mean 'interval'?)")
        .doesNotContain("internal error");
  }

  @Test
  void detailedExitCodesFollowPuppet() {
    ResourceReport changed =
        new ResourceReport(
            ResourceId.parse("file:/a"), ResourceStatus.CHANGED, "x", "y", "", "", 1);
    ResourceReport failed =
        new ResourceReport(
            ResourceId.parse("file:/b"), ResourceStatus.FAILED, "", "", "", "boom", 1);
    assertThat(ConvergeCommand.exitCode(report("unchanged", List.of()), true)).isZero();
    assertThat(ConvergeCommand.exitCode(report("changed", List.of(changed)), true)).isEqualTo(2);
    assertThat(ConvergeCommand.exitCode(report("failed", List.of(failed)), true)).isEqualTo(4);
    assertThat(ConvergeCommand.exitCode(report("failed", List.of(changed, failed)), true))
        .isEqualTo(6);
    assertThat(ConvergeCommand.exitCode(report("failed", List.of(changed, failed)), false))
        .isEqualTo(1);
    assertThat(ConvergeCommand.exitCode(report("changed", List.of(changed)), false)).isZero();
  }

  @Test
  void convergeWithNothingConfiguredRecordsAnUnchangedRunThatStatusShows() throws Exception {
    Path yml = TestSettings.write(dir, "");

    assertThat(run("converge", "--now", "--detailed-exitcodes", "--config", yml.toString()))
        .isZero();
    assertThat(out.toString()).contains("result: unchanged");
    assertThat(run("status", "--config", yml.toString())).isZero();
    assertThat(out.toString()).contains("last run:", "(unchanged,");
    assertThat(run("status", "--json", "--config", yml.toString())).isZero();
    assertThat(out.toString()).contains("\"result\" : \"unchanged\"");
    new org.warehouse.agent.apt.Quarantine(dir.resolve("state"), java.time.Clock.systemUTC())
        .add("warehouse", "18.09.02", "HTTP 500 from /_health/");
    assertThat(run("status", "--config", yml.toString())).isZero();
    assertThat(out.toString())
        .contains("quarantined: warehouse 18.09.02 since ")
        .contains("HTTP 500 from /_health/ (retry: agent quarantine clear warehouse 18.09.02)");
  }

  @Test
  void disableSkipsConvergesUntilEnableAndForceRunsOnceAnyway() throws Exception {
    Path yml = TestSettings.write(dir, "");
    String config = yml.toString();
    assertThat(run("disable", "--config", config)).isEqualTo(64);
    assertThat(run("disable", "--reason", " ", "--config", config)).isEqualTo(64);

    assertThat(run("disable", "--reason", "OPS-1234 database migration", "--config", config))
        .isZero();
    Path record = dir.resolve("state/disabled.json");
    assertThat(Files.getPosixFilePermissions(record))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(record))
        .contains("OPS-1234 database migration", System.getProperty("user.name"));

    assertThat(run("converge", "--now", "--config", config)).isEqualTo(75);
    assertThat(err.toString())
        .contains("not converging: converges are disabled by ")
        .contains(": OPS-1234 database migration; 'agent enable' resumes, or --force");
    assertThat(dir.resolve("state/last-run.json")).doesNotExist();
    // A why-run changes nothing, so it is allowed; --force converges once.
    assertThat(run("converge", "--now", "--why-run", "--config", config)).isZero();
    assertThat(run("converge", "--now", "--force", "--config", config)).isZero();
    assertThat(dir.resolve("state/last-run.json")).exists();

    assertThat(run("status", "--config", config)).isZero();
    assertThat(out.toString()).contains("DISABLED:    disabled by ", "OPS-1234 database migration");
    assertThat(run("status", "--json", "--config", config)).isZero();
    assertThat(out.toString()).contains("\"reason\" : \"OPS-1234 database migration\"");

    assertThat(run("enable", "--config", config)).isZero();
    assertThat(out.toString()).contains("enabled; converges had been disabled by ");
    assertThat(record).doesNotExist();
    assertThat(run("enable", "--config", config)).isZero();
    assertThat(out.toString()).contains("enabled (converges were not disabled)");
    assertThat(run("converge", "--now", "--config", config)).isZero();
  }

  @Test
  void anUnreadableMaintenanceRecordCountsAsDisabledAndEnableRemovesIt() throws Exception {
    Path yml = TestSettings.write(dir, "");
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state/disabled.json"), "{not json");
    assertThat(run("converge", "--now", "--config", yml.toString())).isEqualTo(75);
    assertThat(err.toString()).contains("disabled.json is unreadable", "'agent enable' removes it");
    assertThat(run("enable", "--config", yml.toString())).isZero();
    assertThat(run("converge", "--now", "--config", yml.toString())).isZero();
  }

  @Test
  void daemonRefusesToStartWithAnInvalidConfigExit78() throws Exception {
    Path yml = dir.resolve("agent.yml");
    Files.writeString(yml, "splay: 1h\n");
    assertThat(run("daemon", "--config", yml.toString())).isEqualTo(78);
    assertThat(err.toString()).contains(yml + ":1: splay: must be shorter than interval");
  }

  private static RunReport report(String result, List<ResourceReport> resources) {
    Instant t = Instant.EPOCH;
    return new RunReport(
        "r", Trigger.MANUAL, false, t, t, 0, RunResult.parse(result), resources, List.of(), "");
  }
}
