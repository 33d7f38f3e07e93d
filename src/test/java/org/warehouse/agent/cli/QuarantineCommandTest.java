package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.daemon.TestSettings;

class QuarantineCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  Path yml;

  @BeforeEach
  void config() throws Exception {
    yml = TestSettings.write(dir, "");
  }

  int run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = yml.toString();
    return Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void listShowsWhatIsQuarantinedAndClearLiftsIt() throws Exception {
    assertThat(run("quarantine", "list")).isZero();
    assertThat(out.toString()).contains("no quarantined versions");
    new Quarantine(dir.resolve("state"), Clock.systemUTC())
        .add("warehouse", "18.09.02", "warehouse-web.service failed health check (HTTP 500)");

    assertThat(run("quarantine", "list")).isZero();
    assertThat(out.toString()).contains("warehouse", "18.09.02", "failed health check (HTTP 500)");
    assertThat(run("quarantine", "list", "--json")).isZero();
    assertThat(out.toString()).contains("\"package\" : \"warehouse\"");

    assertThat(run("quarantine", "clear", "warehouse", "18.09.03")).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "warehouse 18.09.03 is not quarantined (quarantined versions of warehouse: 18.09.02)");
    assertThat(run("quarantine", "clear", "warehouse", "18.09.02")).isZero();
    assertThat(out.toString()).contains("cleared warehouse 18.09.02");
    assertThat(new Quarantine(dir.resolve("state"), Clock.systemUTC()).list()).isEmpty();
  }

  @Test
  void usageErrorsExit64() {
    assertThat(run("quarantine")).isEqualTo(64);
    assertThat(run("quarantine", "clear", "warehouse")).isEqualTo(64);
    assertThat(run("quarantine", "clear", "warehouse", "not a version")).isEqualTo(64);
    assertThat(err.toString()).contains("invalid version 'not a version'");
  }

  @Test
  void aDamagedFileIsReportedNotShownAsEmpty() throws Exception {
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state/quarantine.json"), "{");
    assertThat(run("quarantine", "list")).isEqualTo(1);
    assertThat(err.toString()).contains("quarantine.json is damaged");
  }
}
