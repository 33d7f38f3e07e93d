package org.warehouse.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.cli.Main;
import org.warehouse.agent.cli.Wiring;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.daemon.Daemon;
import org.warehouse.agent.daemon.SettingsSource;
import org.warehouse.agent.daemon.TestSettings;

/**
 * {@code agent converge --now} in a JVM of its own, with and without a daemon to ask: it must not
 * load the daemon's heavy parts (Quartz, Micrometer, an HTTP server or client), which would cost
 * start-up time and memory on every call from a shell.
 */
class CliFootprintTest {
  private static final List<String> HEAVY =
      List.of(
          "org.quartz.",
          "io.micrometer.",
          "io.prometheus.",
          "com.sun.net.httpserver.",
          "java.net.http.");

  // Fleet rollouts: loaded by a converge only with a rollout section, by the CLI only for
  // `agent rollout ...`.
  private static final List<String> ROLLOUT =
      List.of("org.warehouse.agent.rollout.", "org.postgresql.", "org.flywaydb.");

  @TempDir Path dir;

  // Reads an attribute file and renders a file from it: the in-process run parses YAML twice.
  private Path config() throws Exception {
    Path attributes = dir.resolve("attributes.d");
    Files.createDirectories(attributes);
    Files.writeString(attributes.resolve("10-app.yml"), "app:\n  config:\n    site: pypi\n");
    return TestSettings.write(
        dir,
        List.of(attributes),
        "first_run_delay: 1h\nconfig_files:\n  - path: "
            + dir.resolve("config.yml")
            + "\n    attribute: app.config\n");
  }

  private String convergeInChildJvm(Path yml, String name) throws Exception {
    return inChildJvm(name, 0, "converge", "--now", "--config", yml.toString());
  }

  // The classes `agent ARGS` loads, then its stderr; it must exit with `exit`.
  private String inChildJvm(String name, int exit, String... args) throws Exception {
    Path classes = dir.resolve(name + ".classes");
    Path err = dir.resolve(name + ".err");
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    argv.addAll(List.of(args));
    Process p =
        new ProcessBuilder(argv)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(exit);
    return Files.readString(classes) + "\n--- stderr:\n" + Files.readString(err);
  }

  @Test
  void convergeNowLoadsNoneOfTheDaemonsHeavyPartsInProcessOrViaTheDaemon() throws Exception {
    Path yml = config();
    String inProcess = convergeInChildJvm(yml, "in-process");
    assertThat(inProcess).contains("org.warehouse.agent.converge.Converger");
    assertThat(inProcess).contains("org.warehouse.agent.attributes.YamlAttributeParser");
    assertThat(Files.readString(dir.resolve("config.yml"))).contains("site: pypi");
    // Nor java.util.logging's LogManager, nor a SnakeYAML Yaml (whose logger starts it):
    // the run's lines go to stderr in the journal format, both YAML files are only composed.
    assertThat(inProcess).doesNotContain(" java.util.logging.LogManager ");
    assertThat(inProcess).doesNotContain(" org.yaml.snakeyaml.Yaml ");
    assertThat(inProcess).containsPattern("--- stderr:\\n\\S+Z INFO converge started \\(manual");
    // No lambda of the agent's own on this path: each is linked through method handles at its
    // first use, a cost a short-lived JVM pays in full.
    assertThat(inProcess).doesNotContainPattern("org\\.warehouse\\.agent\\.\\S+\\$\\$Lambda");
    for (String heavy : HEAVY) {
      assertThat(inProcess).as("in-process").doesNotContain(" " + heavy);
    }
    for (String rollout : ROLLOUT) {
      assertThat(inProcess).as("without a rollout section").doesNotContain(" " + rollout);
    }

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
    Daemon daemon =
        new Daemon(source, source.load(), Wiring::converger, "test", "host", Clock.systemUTC());
    daemon.start();
    try {
      String viaDaemon = convergeInChildJvm(yml, "via-daemon");
      assertThat(viaDaemon).contains("org.warehouse.agent.daemon.ControlClient");
      assertThat(viaDaemon).doesNotContain("org.warehouse.agent.converge.Converger ");
      for (String heavy : HEAVY) {
        assertThat(viaDaemon).as("via the daemon").doesNotContain(" " + heavy);
      }
      // Nor Jackson's data binding: the client reads the protocol with the streaming parser.
      assertThat(viaDaemon).doesNotContain(" com.fasterxml.jackson.databind.");
      // Nor java.util.logging's LogManager: the daemon's lines go straight to stderr,
      // in the same format, and agent.yml is parsed without building a SnakeYAML Yaml.
      assertThat(viaDaemon).doesNotContain(" java.util.logging.LogManager ");
      assertThat(viaDaemon).containsPattern("--- stderr:\\n\\S+Z INFO converge started \\(manual");
      assertThat(viaDaemon).doesNotContainPattern("org\\.warehouse\\.agent\\.\\S+\\$\\$Lambda");
    } finally {
      daemon.stopInOrder("test over");
    }
  }

  @Test
  void onlyTheRolloutCommandsLoadTheRolloutPackageAndItsDatabaseDriver() throws Exception {
    // A rollout section whose database nobody serves (port 1): every command but `rollout`
    // ignores it, and `rollout status` fails at once with 69.
    Path yml =
        TestSettings.write(
            dir,
            List.of(),
            """
            rollout:
              group: web
              database: {host: 127.0.0.1, port: 1, name: warehouse, user: agent}
            """);
    String help = inChildJvm("help", 0, "--help");
    assertThat(help).contains("org.warehouse.agent.cli.RolloutCommand");
    String status = inChildJvm("status", 0, "status", "--config", yml.toString());
    for (String rollout : ROLLOUT) {
      assertThat(help).as("--help").doesNotContain(" " + rollout);
      assertThat(status).as("status").doesNotContain(" " + rollout);
    }
    String rolloutStatus =
        inChildJvm("rollout", 69, "rollout", "status", "--config", yml.toString());
    assertThat(rolloutStatus)
        .contains(" org.warehouse.agent.rollout.RolloutAdmin ", " org.postgresql.Driver ");
  }
}
