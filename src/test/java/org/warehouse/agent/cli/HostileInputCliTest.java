package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.warehouse.agent.daemon.TestSettings;

/**
 * Input that converge would refuse is refused by check-config too, with the same message and exit
 * 78, before anything changes; and a real {@code agent check-config} process says so on stderr.
 */
class HostileInputCliTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path configFile(String mode) throws Exception {
    Path attributes = Files.createDirectories(dir.resolve("attributes.d"));
    Files.writeString(attributes.resolve("10-app.yml"), "app:\n  config:\n    site: pypi\n");
    return TestSettings.write(
        dir,
        List.of(attributes),
        "config_files:\n  - path: "
            + dir.resolve("config.yml")
            + "\n    attribute: app.config\n    mode: \""
            + mode
            + "\"\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4755", "7777"})
  void aModeConvergeCannotWriteIsRefusedByCheckConfigAndConvergeAlike(String mode)
      throws Exception {
    String config = configFile(mode).toString();
    String message = "config_files[0].mode: \"" + mode + "\" sets setuid, setgid or sticky bits";

    assertThat(run("check-config", "--config", config)).isEqualTo(78);
    assertThat(err.toString()).contains(message);
    err.getBuffer().setLength(0);
    assertThat(run("converge", "--now", "--config", config)).isEqualTo(78);
    assertThat(err.toString()).contains(message);
    err.getBuffer().setLength(0);
    assertThat(run("converge", "--now", "--why-run", "--config", config)).isEqualTo(78);
    assertThat(err.toString()).contains(message);
    assertThat(dir.resolve("config.yml")).doesNotExist();
    assertThat(dir.resolve("state/last-run.json")).doesNotExist();
  }

  @Test
  void aMissingKeyringIsRefusedByCheckConfigAndByConvergeBeforeTheSourceListIsWritten()
      throws Exception {
    Path sources = dir.resolve("sources.list.d");
    Path key = dir.resolve("keys/warehouse.gpg");
    String config =
        TestSettings.write(
                dir,
                "repositories: [{name: warehouse, uri: 'http://127.0.0.1:1/', suite: stable,"
                    + " signed_by: "
                    + key
                    + "}]\napt: {sources_dir: "
                    + sources
                    + "}\n")
            .toString();
    String message = "repository 'warehouse': signed_by keyring " + key + " does not exist";

    assertThat(run("check-config", "--config", config)).isEqualTo(78);
    assertThat(err.toString()).contains(message);
    err.getBuffer().setLength(0);
    assertThat(run("converge", "--now", "--config", config)).isEqualTo(78);
    assertThat(err.toString()).contains("invalid input, nothing changed: ", message);
    assertThat(sources).doesNotExist();
  }

  @Test
  void checkConfigAsAProcessRefusesAnAttributeFileOthersCanWriteOnStderrThroughAPipe()
      throws Exception {
    Path yml = configFile("0640");
    Path attributes = dir.resolve("attributes.d/10-app.yml");
    Files.setPosixFilePermissions(attributes, PosixFilePermissions.fromString("rw-rw-rw-"));
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "check-config",
                "--config",
                yml.toString())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    // Both streams are pipes; stdout is drained on a thread so that neither can block the child.
    StringBuilder stdout = new StringBuilder();
    Thread drain =
        new Thread(
            () -> {
              try {
                stdout.append(
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (java.io.IOException e) {
                stdout.append(e);
              }
            });
    drain.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    drain.join();
    assertThat(p.exitValue()).as(stderr).isEqualTo(78);
    assertThat(stderr)
        .isEqualTo(
            "agent: "
                + attributes
                + ": untrusted input: "
                + attributes
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + attributes
                + "\n");
    assertThat(stdout.toString()).doesNotContain("site");
    assertThat(dir.resolve("config.yml")).doesNotExist();
  }
}
