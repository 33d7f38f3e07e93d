package org.warehouse.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.rollout.GateStates;
import org.warehouse.agent.rollout.RolloutRegistry;
import org.warehouse.agent.sandbox.Fixtures;
import org.warehouse.agent.state.Json;

/** packaging/grafana/warehouse-agent.json queries only metrics the agent really exports. */
class GrafanaDashboardTest {
  @TempDir Path dir;

  @Test
  void everyMetricTheDashboardQueriesIsInAScrape() throws Exception {
    JsonNode dashboard =
        Json.mapper()
            .readTree(
                Fixtures.projectDir().resolve("packaging/grafana/warehouse-agent.json").toFile());
    AgentMetrics metrics = new AgentMetrics("1", Optional::empty, Optional::empty);
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    metrics.runFinished(
        new RunReport(
            "r",
            Trigger.SCHEDULED,
            false,
            t,
            t,
            1,
            RunResult.UNCHANGED,
            List.of(
                new ResourceReport(
                    ResourceId.parse("package:warehouse"),
                    ResourceStatus.UNCHANGED,
                    "1",
                    "1",
                    "",
                    "",
                    1),
                new ResourceReport(
                    ResourceId.parse("package:tools"),
                    ResourceStatus.ROLLED_BACK,
                    "2",
                    "1",
                    "",
                    "",
                    1)),
            List.of(
                new ResourceReport(
                    ResourceId.parse("service:web.service"),
                    ResourceStatus.CHANGED,
                    "",
                    "",
                    "",
                    "",
                    1)),
            ""));
    // A host in a fleet rollout, holding a slot: the rollout panels' series.
    Settings rollout =
        SettingsLoader.load(
            Files.writeString(
                dir.resolve("agent.yml"),
                "rollout:\n  group: web\n  host: grafana-1\n  database:"
                    + " {host: 127.0.0.1, port: 1, name: warehouse, user: warehouse_agent}\n"));
    GateStates.holding(RolloutRegistry.gate(rollout, Map.of()), "warehouse", "2", 1, t);
    metrics.configured(rollout);
    metrics.polls().accept("warehouse", "not_modified");
    metrics.polls().indexDate("warehouse", t);
    String scrape = metrics.scrape();
    Set<String> queried = new TreeSet<>();
    Pattern name = Pattern.compile("\\b(warehouse_agent_[a-z_]+|process_[a-z_]+)");
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = name.matcher(target.get("expr").asText());
        while (m.find()) {
          queried.add(m.group(1));
        }
      }
    }
    assertThat(queried).hasSizeGreaterThan(8);
    for (String metric : queried) {
      assertThat(scrape).as(metric).containsPattern("(?m)^" + Pattern.quote(metric) + "[{ ]");
    }
    assertThat(dashboard.get("uid").asText()).isEqualTo("warehouse-agent-fleet");
  }
}
