package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon without a rollout section loads no rollout class, no PostgreSQL driver and no Flyway,
 * and its metrics have no rollout series; with one, it does, and they show the database it cannot
 * reach. Each daemon runs in a JVM of its own, its class loading logged.
 */
class RolloutFootprintTest {
  @TempDir Path dir;

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The daemon's loaded classes, then "--- scrape:" and its one scrape. */
  private String idleDaemon(String name, String extra) throws Exception {
    Path home = Files.createDirectories(dir.resolve(name));
    Path yml = TestSettings.write(home, "first_run_delay: 1h\n" + extra);
    Path classes = home.resolve("classes");
    Path out = home.resolve("out");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes,
                "-cp",
                System.getProperty("java.class.path"),
                IdleDaemonMain.class.getName(),
                yml.toString(),
                "3000")
            .redirectOutput(out.toFile())
            .redirectError(home.resolve("err").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(home.resolve("err"))).isZero();
    return Files.readString(classes) + "\n--- scrape:\n" + Files.readString(out);
  }

  @Test
  void withoutARolloutSectionNothingOfRolloutsIsLoadedNorScraped() throws Exception {
    String plain = idleDaemon("plain", "");
    assertThat(plain).contains(" org.warehouse.agent.daemon.RolloutBeat ");
    assertThat(plain).contains("warehouse_agent_build_info");
    assertThat(plain)
        .doesNotContain(" org.warehouse.agent.rollout.")
        .doesNotContain(" org.warehouse.agent.metrics.RolloutMetrics")
        .doesNotContain(" org.postgresql.")
        .doesNotContain(" org.flywaydb.")
        .doesNotContain("warehouse_agent_rollout_");
  }

  @Test
  void withARolloutSectionTheMetricsShowTheDatabaseItCannotReach() throws Exception {
    String rollout =
        idleDaemon(
            "rollout",
            "rollout:\n  group: web\n  host: app-1\n  poll: 1s\n"
                + "  database: {host: 127.0.0.1, port: "
                + closedPort()
                + ", name: warehouse, user: warehouse_agent, connect_timeout: 1s}\n");
    assertThat(rollout)
        .contains(" org.warehouse.agent.metrics.RolloutMetrics ")
        .contains(" org.warehouse.agent.rollout.RolloutGate ")
        .contains("\nwarehouse_agent_rollout_database_reachable 0.0\n")
        .contains("\nwarehouse_agent_rollout_database_last_contact_timestamp_seconds 0.0\n")
        .contains("\nwarehouse_agent_rollout_slot_held 0.0\n")
        .containsPattern("\nwarehouse_agent_rollout_database_errors_total [1-9]");
  }
}
