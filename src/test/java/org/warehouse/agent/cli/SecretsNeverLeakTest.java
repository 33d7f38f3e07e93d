package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known secret value is grepped for in every output of every command: stdout, stderr, the log,
 * last-run.json and the history; only the rendered file may hold it.
 */
class SecretsNeverLeakTest {
  private static final String SECRET = "s3cr3t-Hunter2-value";
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final List<String> log = new ArrayList<>();
  Path yml;
  Path target;

  @BeforeEach
  void setUp() throws Exception {
    Path attrs = Files.createDirectories(dir.resolve("attributes.d"));
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path secret = secrets.resolve("database_url");
    Files.writeString(secret, SECRET + "\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        attrs.resolve("10-db.yml"),
        "warehouse:\n  config:\n    database: !secret database_url\n    site: pypi\n");
    target = Files.createDirectories(dir.resolve("etc")).resolve("config.yml");
    yml = dir.resolve("agent.yml");
    Files.writeString(
        yml,
        """
        config_files:
          - path: %s
            attribute: warehouse.config
            mode: "0600"
        attributes:
          files: [%s]
        state_dir: %s
        run_dir: %s
        secrets_dir: %s
        """
            .formatted(target, attrs, dir.resolve("state"), dir.resolve("run"), secrets));
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(yml.toString());
    int code =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return code;
  }

  private void captureLog() {
    Logger.getLogger("")
        .addHandler(
            new Handler() {
              @Override
              public void publish(LogRecord r) {
                log.add(String.valueOf(r.getMessage()));
              }

              @Override
              public void flush() {}

              @Override
              public void close() {}
            });
  }

  @Test
  void noCommandOutputReportOrLogHoldsTheSecret() throws Exception {
    assertThat(run("check-config")).isZero();
    assertThat(out.toString()).contains("database: <secret:database_url>", "+site: pypi");
    assertThat(run("attributes")).isZero();
    assertThat(out.toString()).contains("<secret:database_url>");
    assertThat(run("attributes", "--explain", "warehouse.config.database")).isZero();
    assertThat(out.toString())
        .contains(
            "warehouse.config.database: set by normal ("
                + dir.resolve("attributes.d/10-db.yml")
                + ":3)");
    assertThat(run("converge", "--now", "--why-run")).isZero();
    captureLog();
    assertThat(run("converge", "--now", "--json")).isZero();
    assertThat(Files.readString(target)).contains("database: \"" + SECRET + "\"");
    // Rotate the secret: the diff and the report show the change without either value.
    Files.writeString(dir.resolve("secrets/database_url"), "rotated-" + SECRET + "\n");
    assertThat(run("converge", "--now", "--why-run")).isZero();
    assertThat(run("converge", "--now")).isZero();
    assertThat(run("status", "--json")).isZero();

    assertThat(out.toString()).doesNotContain(SECRET);
    assertThat(err.toString()).doesNotContain(SECRET);
    assertThat(String.join("\n", log)).doesNotContain(SECRET);
    try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.toString().contains("/backups/")) {
          assertThat(Files.readString(f)).as(f.toString()).doesNotContain(SECRET);
        }
      }
    }
  }

  @Test
  void aMissingSecretIsAConfigErrorNamingItAndNothingIsWritten() throws Exception {
    Files.delete(dir.resolve("secrets/database_url"));
    assertThat(run("converge", "--now")).isEqualTo(78);
    assertThat(err.toString()).contains("database_url").contains("nothing changed");
    assertThat(target).doesNotExist();
    assertThat(run("check-config")).isEqualTo(78);
  }

  @Test
  void aSecretReadableByOthersIsRefused() throws Exception {
    Files.setPosixFilePermissions(
        dir.resolve("secrets/database_url"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(run("converge", "--now")).isEqualTo(78);
    assertThat(err.toString()).contains("database_url").contains("0644");
    assertThat(target).doesNotExist();
  }
}
