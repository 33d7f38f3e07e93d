package org.warehouse.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.sandbox.Await;
import org.warehouse.agent.sandbox.Promtool;

/**
 * A real Prometheus server (from the same Debian package as promtool) on loopback scrapes the
 * agent's endpoint, and a query returns the run counter.
 */
class PrometheusScrapeTest {
  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String get(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(5000);
      return c.getResponseCode() == 200
          ? new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void prometheusScrapesTheAgentAndAQueryReturnsTheRunCounter() throws Exception {
    Path prometheus = Promtool.path().resolveSibling("prometheus");
    Assumptions.assumeTrue(
        Files.isExecutable(prometheus), "no prometheus binary next to " + Promtool.path());
    AgentMetrics metrics = new AgentMetrics("26.11.01", Optional::empty, Optional::empty);
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    metrics.runFinished(
        new RunReport(
            "r", Trigger.MANUAL, false, t, t, 5, RunResult.UNCHANGED, List.of(), List.of(), ""));
    int webPort = freePort();
    try (MetricsServer agent = MetricsServer.start("127.0.0.1:0", metrics)) {
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
              + "scrape_configs:\n"
              + "  - job_name: agent\n"
              + "    static_configs: [{targets: ['127.0.0.1:"
              + agent.port()
              + "']}]\n");
      Process server =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + webPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      try {
        String query =
            "http://127.0.0.1:"
                + webPort
                + "/api/v1/query?query="
                + URLEncoder.encode(
                    "warehouse_agent_converge_runs_total{result=\"unchanged\",trigger=\"manual\"}",
                    StandardCharsets.UTF_8);
        Await.until(
            "Prometheus to have scraped the run counter",
            Duration.ofSeconds(60),
            () -> get(query).contains("\"job\":\"agent\""));
        assertThat(get(query))
            .contains(
                "\"status\":\"success\"", "\"__name__\":\"warehouse_agent_converge_runs_total\"")
            .contains("\"1\"]");
      } finally {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
  }
}
