package org.warehouse.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.sandbox.ExecResult;
import org.warehouse.agent.sandbox.Promtool;

class AgentMetricsTest {
  @TempDir Path dir;
  private final Instant next = Instant.parse("2026-11-27T10:30:00Z");
  private volatile Optional<Instant> disabledSince = Optional.empty();
  private final AgentMetrics metrics =
      new AgentMetrics("26.11.01", () -> Optional.of(next), () -> disabledSince);

  private static RunReport run(
      String trigger,
      String result,
      boolean whyRun,
      Instant end,
      List<ResourceReport> resources,
      List<ResourceReport> notifications) {
    return new RunReport(
        "id",
        Trigger.parse(trigger),
        whyRun,
        end.minusMillis(1500),
        end,
        1500,
        RunResult.parse(result),
        resources,
        notifications,
        result.equals("failed") ? "boom" : "");
  }

  private static ResourceReport res(String id, String status, String before, String after) {
    return new ResourceReport(
        ResourceId.parse(id), ResourceStatus.parse(status), before, after, "", "", 1);
  }

  /** The value of the one sample whose name and labels are exactly {@code series}. */
  private static double sample(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(series + " in\n" + scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static String type(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^# TYPE " + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("# TYPE " + name).isTrue();
    return m.group(1);
  }

  @Test
  void reloadsOfAgentYmlAreCountedAndTheLastOneShows() {
    String before = metrics.scrape();
    assertThat(type(before, "warehouse_agent_config_reloads_total")).isEqualTo("counter");
    assertThat(type(before, "warehouse_agent_config_last_reload_success")).isEqualTo("gauge");
    assertThat(sample(before, "warehouse_agent_config_reloads_total{result=\"failed\"}")).isZero();
    assertThat(sample(before, "warehouse_agent_config_reloads_total{result=\"ok\"}")).isZero();
    assertThat(sample(before, "warehouse_agent_config_last_reload_success")).isEqualTo(1);

    metrics.reloaded(false);

    String refused = metrics.scrape();
    assertThat(sample(refused, "warehouse_agent_config_reloads_total{result=\"failed\"}"))
        .isEqualTo(1);
    assertThat(sample(refused, "warehouse_agent_config_last_reload_success")).isZero();

    metrics.reloaded(true);

    String taken = metrics.scrape();
    assertThat(sample(taken, "warehouse_agent_config_reloads_total{result=\"ok\"}")).isEqualTo(1);
    assertThat(sample(taken, "warehouse_agent_config_reloads_total{result=\"failed\"}"))
        .isEqualTo(1);
    assertThat(sample(taken, "warehouse_agent_config_last_reload_success")).isEqualTo(1);
  }

  @Test
  void everyDesignMetricIsThereWithItsType() throws Exception {
    metrics.configured(
        SettingsLoader.load(
            Files.writeString(
                dir.resolve("agent.yml"),
                """
                repositories:
                  - name: warehouse
                    uri: http://127.0.0.1:1/
                    suite: stable
                    components: [main]
                    signed_by: /etc/k.gpg
                packages: [{name: warehouse}]
                services: [{name: warehouse-web, restart_on: [warehouse]}]
                attributes: {files: []}
                """)));
    metrics.runFinished(
        run(
            "scheduled",
            "unchanged",
            false,
            Instant.parse("2026-11-27T10:00:00Z"),
            List.of(res("package:warehouse", "unchanged", "18.09.01", "18.09.01")),
            List.of()));
    String s = metrics.scrape();

    assertThat(type(s, "warehouse_agent_converge_runs_total")).isEqualTo("counter");
    assertThat(type(s, "warehouse_agent_converge_duration_seconds")).isEqualTo("histogram");
    assertThat(type(s, "warehouse_agent_last_run_timestamp_seconds")).isEqualTo("gauge");
    assertThat(type(s, "warehouse_agent_last_success_timestamp_seconds")).isEqualTo("gauge");
    assertThat(type(s, "warehouse_agent_last_run_success")).isEqualTo("gauge");
    assertThat(type(s, "warehouse_agent_package_info")).isEqualTo("gauge");
    assertThat(type(s, "warehouse_agent_repository_polls_total")).isEqualTo("counter");
    assertThat(type(s, "warehouse_agent_service_restarts_total")).isEqualTo("counter");
    assertThat(type(s, "warehouse_agent_rollbacks_total")).isEqualTo("counter");
    assertThat(type(s, "warehouse_agent_next_run_timestamp_seconds")).isEqualTo("gauge");
    assertThat(type(s, "warehouse_agent_build_info")).isEqualTo("gauge");
    assertThat(sample(s, "warehouse_agent_build_info{version=\"26.11.01\"}")).isEqualTo(1);
    assertThat(sample(s, "warehouse_agent_next_run_timestamp_seconds"))
        .isEqualTo((double) next.getEpochSecond());
    assertThat(
            sample(
                s,
                "warehouse_agent_package_info{candidate=\"18.09.01\",installed=\"18.09.01\",package=\"warehouse\"}"))
        .isEqualTo(1);
    // Pre-registered at 0, so that rate() sees the first increment.
    for (String result : List.of("changed", "failed")) {
      for (String trigger : List.of("scheduled", "manual")) {
        assertThat(
                sample(
                    s,
                    "warehouse_agent_converge_runs_total{result=\""
                        + result
                        + "\",trigger=\""
                        + trigger
                        + "\"}"))
            .isZero();
      }
    }
    assertThat(
            sample(
                s,
                "warehouse_agent_repository_polls_total{repository=\"warehouse\",result=\"not_modified\"}"))
        .isZero();
    assertThat(
            sample(
                s,
                "warehouse_agent_service_restarts_total{result=\"ok\",service=\"warehouse-web.service\"}"))
        .isZero();
    assertThat(sample(s, "warehouse_agent_rollbacks_total{package=\"warehouse\"}")).isZero();
    // JVM and process metrics.
    assertThat(s)
        .contains(
            "jvm_memory_used_bytes",
            "jvm_gc_max_data_size_bytes",
            "jvm_threads_live_threads",
            "process_cpu_usage",
            "process_uptime_seconds",
            "process_files_open_files",
            "process_resident_memory_bytes",
            "process_cpu_seconds_total",
            "system_cpus");
    assertThat(sample(s, "process_resident_memory_bytes")).isGreaterThan(1 << 20);
  }

  @Test
  void runsAreCountedByResultAndTriggerWithTimestampsAndDuration() {
    Instant t1 = Instant.parse("2026-11-27T10:00:00Z");
    Instant t2 = Instant.parse("2026-11-27T10:30:00Z");
    metrics.runFinished(run("scheduled", "changed", false, t1, List.of(), List.of()));
    metrics.runFinished(run("manual", "failed", false, t2, List.of(), List.of()));
    metrics.runFinished(run("manual", "changed", true, t2.plusSeconds(5), List.of(), List.of()));

    String s = metrics.scrape();
    assertThat(
            sample(
                s, "warehouse_agent_converge_runs_total{result=\"changed\",trigger=\"scheduled\"}"))
        .isEqualTo(1);
    assertThat(
            sample(s, "warehouse_agent_converge_runs_total{result=\"failed\",trigger=\"manual\"}"))
        .isEqualTo(1);
    // why-run is not a converge: not counted.
    assertThat(
            sample(s, "warehouse_agent_converge_runs_total{result=\"changed\",trigger=\"manual\"}"))
        .isZero();
    assertThat(sample(s, "warehouse_agent_last_run_timestamp_seconds"))
        .isEqualTo((double) t2.getEpochSecond());
    assertThat(sample(s, "warehouse_agent_last_success_timestamp_seconds"))
        .isEqualTo((double) t1.getEpochSecond());
    assertThat(sample(s, "warehouse_agent_last_run_success")).isZero();
    assertThat(sample(s, "warehouse_agent_converge_duration_seconds_count")).isEqualTo(2);
    assertThat(sample(s, "warehouse_agent_converge_duration_seconds_sum")).isEqualTo(3.0);
    assertThat(sample(s, "warehouse_agent_converge_duration_seconds_bucket{le=\"2.0\"}"))
        .isEqualTo(2);
    assertThat(sample(s, "warehouse_agent_converge_duration_seconds_bucket{le=\"1.0\"}")).isZero();
  }

  @Test
  void packageInfoFollowsThePackageReportsOneSeriesPerPackage() {
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    // why-run saw an update: installed 1.0, candidate 2.0.
    metrics.runFinished(
        run(
            "manual",
            "changed",
            true,
            t,
            List.of(res("package:warehouse", "would_change", "1.0", "2.0")),
            List.of()));
    String s = metrics.scrape();
    assertThat(
            sample(
                s,
                "warehouse_agent_package_info{candidate=\"2.0\",installed=\"1.0\",package=\"warehouse\"}"))
        .isEqualTo(1);
    // A failed install says nothing: the sample stays.
    metrics.runFinished(
        run(
            "scheduled",
            "failed",
            false,
            t,
            List.of(
                new ResourceReport(
                    ResourceId.parse("package:warehouse"),
                    ResourceStatus.FAILED,
                    "",
                    "",
                    "",
                    "dpkg failed",
                    1)),
            List.of()));
    assertThat(metrics.scrape())
        .contains(
            "warehouse_agent_package_info{candidate=\"2.0\",installed=\"1.0\",package=\"warehouse\"} 1");
    // Then it is installed: the old series goes, the new one is there.
    metrics.runFinished(
        run(
            "scheduled",
            "changed",
            false,
            t,
            List.of(res("package:warehouse", "changed", "1.0", "2.0")),
            List.of()));
    s = metrics.scrape();
    assertThat(
            sample(
                s,
                "warehouse_agent_package_info{candidate=\"2.0\",installed=\"2.0\",package=\"warehouse\"}"))
        .isEqualTo(1);
    assertThat(s).doesNotContain("installed=\"1.0\"");
  }

  @Test
  void aFailedInstallWhoseSetWasRestoredCountsAsARollback() {
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    metrics.runFinished(
        run(
            "scheduled",
            "failed",
            false,
            t,
            List.of(
                new ResourceReport(
                    ResourceId.parse("package:warehouse"),
                    ResourceStatus.FAILED,
                    "",
                    "",
                    "",
                    "installing warehouse=2.0 failed: dpkg failed: ...; restored warehouse 1.0 from"
                        + " kept .debs; 2.0 quarantined",
                    1),
                new ResourceReport(
                    ResourceId.parse("package:warehouse-tools"),
                    ResourceStatus.FAILED,
                    "",
                    "",
                    "",
                    "dpkg lock is held",
                    1)),
            List.of()));
    String s = metrics.scrape();
    assertThat(sample(s, "warehouse_agent_rollbacks_total{package=\"warehouse\"}")).isEqualTo(1);
    assertThat(s).doesNotContain("warehouse_agent_rollbacks_total{package=\"warehouse-tools\"}");
  }

  @Test
  void restartsAndRollbacksAreCountedFromTheReport() {
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    metrics.runFinished(
        run(
            "scheduled",
            "failed",
            false,
            t,
            List.of(res("package:warehouse", "rolled_back", "2.0", "1.0")),
            List.of(
                res("service:warehouse-web.service", "changed", "pid 1", "pid 2"),
                new ResourceReport(
                    ResourceId.parse("service:warehouse-worker.service"),
                    ResourceStatus.FAILED,
                    "",
                    "",
                    "",
                    "did not start",
                    1),
                res("service:warehouse-beat.service", "unchanged", "", ""))));
    String s = metrics.scrape();
    assertThat(sample(s, "warehouse_agent_rollbacks_total{package=\"warehouse\"}")).isEqualTo(1);
    assertThat(
            sample(
                s,
                "warehouse_agent_service_restarts_total{result=\"ok\",service=\"warehouse-web.service\"}"))
        .isEqualTo(1);
    assertThat(
            sample(
                s,
                "warehouse_agent_service_restarts_total{result=\"failed\",service=\"warehouse-worker.service\"}"))
        .isEqualTo(1);
    assertThat(s).doesNotContain("warehouse-beat");
  }

  @Test
  void pollsAreCountedByRepositoryAndResult() {
    metrics.polls().accept("warehouse", "not_modified");
    metrics.polls().accept("warehouse", "not_modified");
    metrics.polls().accept("warehouse", "error");
    String s = metrics.scrape();
    assertThat(
            sample(
                s,
                "warehouse_agent_repository_polls_total{repository=\"warehouse\",result=\"not_modified\"}"))
        .isEqualTo(2);
    assertThat(
            sample(
                s,
                "warehouse_agent_repository_polls_total{repository=\"warehouse\",result=\"error\"}"))
        .isEqualTo(1);
  }

  @Test
  void releaseProbesAreCountedByResultWithTheLastChangeSeen() throws Exception {
    metrics.configured(
        SettingsLoader.load(
            Files.writeString(
                dir.resolve("agent.yml"),
                """
                repositories:
                  - name: warehouse
                    uri: http://127.0.0.1:1/
                    suite: stable
                    components: [main]
                    signed_by: /etc/k.gpg
                attributes: {files: []}
                """)));
    String before = metrics.scrape();
    assertThat(type(before, "warehouse_agent_release_probes_total")).isEqualTo("counter");
    for (String result : List.of("unchanged", "changed", "failed")) {
      assertThat(sample(before, probes(result))).isZero();
    }
    assertThat(sample(before, "warehouse_agent_release_last_change_timestamp_seconds")).isZero();

    Instant change = Instant.parse("2026-12-07T12:00:01.250Z");
    metrics.probed("warehouse", "unchanged", change.minusSeconds(60));
    metrics.probed("warehouse", "changed", change);
    metrics.probed("warehouse", "failed", change.plusSeconds(60));
    metrics.probed("warehouse", "unchanged", change.plusSeconds(120));
    String s = metrics.scrape();

    assertThat(sample(s, probes("unchanged"))).isEqualTo(2);
    assertThat(sample(s, probes("changed"))).isEqualTo(1);
    assertThat(sample(s, probes("failed"))).isEqualTo(1);
    assertThat(type(s, "warehouse_agent_release_last_change_timestamp_seconds")).isEqualTo("gauge");
    assertThat(sample(s, "warehouse_agent_release_last_change_timestamp_seconds"))
        .isEqualTo(change.getEpochSecond() + 0.25);
    ExecResult r = Promtool.checkMetrics(s);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  private static String probes(String result) {
    return "warehouse_agent_release_probes_total{repository=\"warehouse\",result=\""
        + result
        + "\"}";
  }

  @Test
  void theIndexDateIsAGaugePerRepositoryOnceKnown() {
    assertThat(metrics.scrape()).doesNotContain("repository_index_date");

    metrics.polls().indexDate("warehouse", Instant.parse("2026-12-05T08:12:34Z"));
    metrics.polls().indexDate("warehouse", Instant.parse("2026-12-06T08:12:34.500Z"));
    String s = metrics.scrape();

    assertThat(type(s, "warehouse_agent_repository_index_date_timestamp_seconds"))
        .isEqualTo("gauge");
    assertThat(
            sample(
                s,
                "warehouse_agent_repository_index_date_timestamp_seconds{repository=\"warehouse\"}"))
        .isEqualTo(Instant.parse("2026-12-06T08:12:34Z").getEpochSecond() + 0.5);
  }

  @Test
  void recordedRunsSeedTheGaugesAfterARestart() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    metrics.recorded(
        Optional.of(run("scheduled", "failed", false, t, List.of(), List.of())),
        Optional.of(t.minusSeconds(1800)));
    String s = metrics.scrape();
    assertThat(sample(s, "warehouse_agent_last_run_timestamp_seconds"))
        .isEqualTo((double) t.getEpochSecond());
    assertThat(sample(s, "warehouse_agent_last_success_timestamp_seconds"))
        .isEqualTo((double) (t.getEpochSecond() - 1800));
    assertThat(sample(s, "warehouse_agent_last_run_success")).isZero();
  }

  @Test
  void promtoolAcceptsAScrapeWithEverySeries() {
    metrics.polls().accept("warehouse", "modified");
    metrics.runFinished(
        run(
            "scheduled",
            "changed",
            false,
            Instant.parse("2026-11-27T10:00:00Z"),
            List.of(
                res("package:warehouse", "changed", "18.09.01", "18.09.10"),
                res("package:warehouse-tools", "rolled_back", "2", "1")),
            List.of(res("service:warehouse-web.service", "changed", "pid 1", "pid 2"))));

    ExecResult r = Promtool.checkMetrics(metrics.scrape());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout() + r.stderr()).isBlank();
  }

  @Test
  void gaugesSurviveGarbageCollection() {
    // Micrometer holds gauge state weakly unless told otherwise; a lambda nobody else holds goes.
    AgentMetrics m = new AgentMetrics("1", () -> Optional.of(next), Optional::empty);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    String s = m.scrape();
    assertThat(sample(s, "warehouse_agent_next_run_timestamp_seconds"))
        .isEqualTo((double) next.getEpochSecond());
    assertThat(sample(s, "process_resident_memory_bytes")).isPositive();
    assertThat(sample(s, "process_cpu_seconds_total")).isNotNaN();
  }

  @Test
  void theEndpointServesTheScrapeAsPrometheusText() throws IOException {
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics)) {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL().openConnection();
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(c.getContentType()).startsWith("text/plain; version=0.0.4");
      String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(body).contains("warehouse_agent_build_info{version=\"26.11.01\"} 1");
      HttpURLConnection missing =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + server.port() + "/nope").toURL().openConnection();
      assertThat(missing.getResponseCode()).isEqualTo(404);
    }
  }

  @Test
  void maintenanceShowsWhetherAndSinceWhenConvergesAreDisabledAndCountsSkippedRuns() {
    String enabled = metrics.scrape();
    assertThat(sample(enabled, "warehouse_agent_disabled")).isZero();
    assertThat(sample(enabled, "warehouse_agent_disabled_since_timestamp_seconds")).isZero();
    assertThat(sample(enabled, "warehouse_agent_converge_skipped_total{reason=\"disabled\"}"))
        .isZero();

    disabledSince = Optional.of(Instant.parse("2026-11-27T09:00:00Z"));
    metrics.skipped("disabled");
    metrics.skipped("disabled");
    String disabled = metrics.scrape();
    assertThat(sample(disabled, "warehouse_agent_disabled")).isEqualTo(1);
    assertThat(sample(disabled, "warehouse_agent_disabled_since_timestamp_seconds"))
        .isEqualTo((double) Instant.parse("2026-11-27T09:00:00Z").getEpochSecond());
    assertThat(sample(disabled, "warehouse_agent_converge_skipped_total{reason=\"disabled\"}"))
        .isEqualTo(2);
  }
}
