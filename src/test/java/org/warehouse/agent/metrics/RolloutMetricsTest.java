package org.warehouse.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.rollout.GateStates;
import org.warehouse.agent.rollout.RolloutGate;
import org.warehouse.agent.rollout.RolloutRegistry;
import org.warehouse.agent.rollout.RolloutTicker;
import org.warehouse.agent.sandbox.ExecResult;
import org.warehouse.agent.sandbox.Promtool;

/**
 * The rollout series of the scrape, exactly: none without a rollout section, a held slot with its
 * version, and a database that does not answer. Each test names its own host, so that the process's
 * one gate ({@link RolloutRegistry}) is a fresh one.
 */
class RolloutMetricsTest {
  @TempDir Path dir;
  private final AgentMetrics metrics = new AgentMetrics("1", Optional::empty, Optional::empty);

  /** A port nothing listens on: the database is down. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Settings settings(String host, int port) throws Exception {
    return SettingsLoader.load(
        Files.writeString(
            dir.resolve("agent.yml"),
            "rollout:\n"
                + "  group: web\n"
                + "  host: "
                + host
                + "\n"
                + "  database: {host: 127.0.0.1, port: "
                + port
                + ", name: warehouse, user: warehouse_agent, connect_timeout: 1s}\n"));
  }

  private Settings withoutRollout() throws Exception {
    return SettingsLoader.load(Files.writeString(dir.resolve("plain.yml"), "packages: []\n"));
  }

  /** Every line of the scrape about rollouts, comments included. */
  private String rolloutLines() {
    return metrics
        .scrape()
        .lines()
        .filter(l -> l.contains("warehouse_agent_rollout_"))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void withoutARolloutSectionThereIsNoRolloutSeriesEvenWhenTheProcessHasAGate() throws Exception {
    // Another agent.yml of this process had a section: its gate is still the registry's.
    GateStates.holding(
        RolloutRegistry.gate(settings("plain-1", closedPort()), Map.of()),
        "warehouse",
        "18.09.02",
        1,
        Instant.EPOCH);
    metrics.configured(withoutRollout());
    assertThat(metrics.scrape()).doesNotContain("rollout");
  }

  @Test
  void aReloadThatRemovesTheSectionRemovesTheSeries() throws Exception {
    Settings s = settings("reload-1", closedPort());
    RolloutRegistry.gate(s, Map.of());
    metrics.configured(s);
    metrics.configured(s);
    assertThat(metrics.scrape()).contains("warehouse_agent_rollout_state{state=\"waiting\"} 0");
    metrics.configured(withoutRollout());
    assertThat(metrics.scrape()).doesNotContain("rollout");
    metrics.configured(s);
    assertThat(metrics.scrape()).contains("warehouse_agent_rollout_state{state=\"waiting\"} 0");
  }

  @Test
  void aHostHoldingASlotShowsItsVersionAndAReachableDatabase() throws Exception {
    Settings s = settings("holder-1", closedPort());
    RolloutGate gate = RolloutRegistry.gate(s, Map.of());
    GateStates.holding(gate, "warehouse", "18.09.02", 7, Instant.parse("2026-12-07T12:00:00Z"));
    metrics.configured(s);
    assertThat(rolloutLines())
        .isEqualTo(
            """
            # HELP warehouse_agent_rollout_database_errors_total Calls to the rollout database that failed (unreachable, timed out, refused)
            # TYPE warehouse_agent_rollout_database_errors_total counter
            warehouse_agent_rollout_database_errors_total 0.0
            # HELP warehouse_agent_rollout_database_last_contact_timestamp_seconds When a call to the rollout database last succeeded, Unix time; 0 before the first
            # TYPE warehouse_agent_rollout_database_last_contact_timestamp_seconds gauge
            warehouse_agent_rollout_database_last_contact_timestamp_seconds 1.7966448E9
            # HELP warehouse_agent_rollout_database_reachable 1 when the last call to the rollout database succeeded, 0 when it failed
            # TYPE warehouse_agent_rollout_database_reachable gauge
            warehouse_agent_rollout_database_reachable 1.0
            # HELP warehouse_agent_rollout_slot_held 1 while this host holds a rollout slot (labelled with its version), else 0
            # TYPE warehouse_agent_rollout_slot_held gauge
            warehouse_agent_rollout_slot_held{group="web",package="warehouse",version="18.09.02"} 1.0
            # HELP warehouse_agent_rollout_slots_lost_total Rollout slots this host lost before it finished: lease expired, superseded or halted
            # TYPE warehouse_agent_rollout_slots_lost_total counter
            warehouse_agent_rollout_slots_lost_total 0.0
            # HELP warehouse_agent_rollout_state 1 for the answer this host last had from its rollout: waiting, admitted, halted
            # TYPE warehouse_agent_rollout_state gauge
            warehouse_agent_rollout_state{state="admitted"} 1.0
            warehouse_agent_rollout_state{state="halted"} 0.0
            warehouse_agent_rollout_state{state="waiting"} 0.0
            """);
  }

  @Test
  void aDatabaseThatDoesNotAnswerShowsUnreachableAndCountsItsErrors() throws Exception {
    Settings s = settings("down-1", closedPort());
    RolloutGate gate = RolloutRegistry.gate(s, Map.of());
    metrics.configured(s);
    // A run asks for a slot twice (two converges): both fail closed.
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> gate.admit("warehouse", "18.09.02"))
          .isInstanceOf(ResourceException.class)
          .hasMessageContaining("rollout database unreachable");
    }
    // The daemon's beat, between runs, looks again (the database may be back): a third error.
    assertThat(new RolloutTicker(gate).tick(false)).isFalse();
    assertThat(rolloutLines())
        .isEqualTo(
            """
            # HELP warehouse_agent_rollout_database_errors_total Calls to the rollout database that failed (unreachable, timed out, refused)
            # TYPE warehouse_agent_rollout_database_errors_total counter
            warehouse_agent_rollout_database_errors_total 3.0
            # HELP warehouse_agent_rollout_database_last_contact_timestamp_seconds When a call to the rollout database last succeeded, Unix time; 0 before the first
            # TYPE warehouse_agent_rollout_database_last_contact_timestamp_seconds gauge
            warehouse_agent_rollout_database_last_contact_timestamp_seconds 0.0
            # HELP warehouse_agent_rollout_database_reachable 1 when the last call to the rollout database succeeded, 0 when it failed
            # TYPE warehouse_agent_rollout_database_reachable gauge
            warehouse_agent_rollout_database_reachable 0.0
            # HELP warehouse_agent_rollout_slot_held 1 while this host holds a rollout slot (labelled with its version), else 0
            # TYPE warehouse_agent_rollout_slot_held gauge
            warehouse_agent_rollout_slot_held 0.0
            # HELP warehouse_agent_rollout_slots_lost_total Rollout slots this host lost before it finished: lease expired, superseded or halted
            # TYPE warehouse_agent_rollout_slots_lost_total counter
            warehouse_agent_rollout_slots_lost_total 0.0
            # HELP warehouse_agent_rollout_state 1 for the answer this host last had from its rollout: waiting, admitted, halted
            # TYPE warehouse_agent_rollout_state gauge
            warehouse_agent_rollout_state{state="admitted"} 0.0
            warehouse_agent_rollout_state{state="halted"} 0.0
            warehouse_agent_rollout_state{state="waiting"} 0.0
            """);
  }

  @Test
  void aBeatWithNothingToAskLeavesAnUnreachableDatabaseUnreachable() throws Exception {
    Settings s = settings("idle-1", closedPort());
    RolloutGate gate = RolloutRegistry.gate(s, Map.of());
    metrics.configured(s);
    assertThatThrownBy(() -> gate.admit("warehouse", "18.09.02"))
        .isInstanceOf(ResourceException.class);
    // During a run the beat asks nothing: one error, and still unreachable (a beat that asked
    // nothing once marked it reachable).
    assertThat(new RolloutTicker(gate).tick(true)).isFalse();
    assertThat(rolloutLines())
        .contains(
            "\nwarehouse_agent_rollout_database_reachable 0.0\n",
            "\nwarehouse_agent_rollout_database_errors_total 1.0\n");
  }

  @Test
  void aHolderWhoseDatabaseGoesAwayKeepsItsSlotAndItsLastContact() throws Exception {
    Settings s = settings("away-1", closedPort());
    RolloutGate gate = RolloutRegistry.gate(s, Map.of());
    GateStates.holding(gate, "warehouse", "18.09.02", 3, Instant.parse("2026-12-07T12:00:00Z"));
    metrics.configured(s);
    assertThat(new RolloutTicker(gate).tick(false)).isFalse();
    String lines = rolloutLines();
    assertThat(lines)
        .contains(
            "\nwarehouse_agent_rollout_database_reachable 0.0\n",
            "\nwarehouse_agent_rollout_database_errors_total 1.0\n",
            "\nwarehouse_agent_rollout_database_last_contact_timestamp_seconds 1.7966448E9\n",
            "\nwarehouse_agent_rollout_slot_held{group=\"web\",package=\"warehouse\",version=\"18.09.02\"} 1.0\n");
  }

  @Test
  void promtoolAcceptsTheRolloutSeries() throws Exception {
    Settings s = settings("lint-1", closedPort());
    GateStates.holding(
        RolloutRegistry.gate(s, Map.of()), "warehouse", "18.09.02", 1, Instant.EPOCH);
    metrics.configured(s);
    ExecResult r = Promtool.checkMetrics(rolloutLines());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout() + r.stderr()).isBlank();
  }
}
