package org.warehouse.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.AptIndexResource;
import org.warehouse.agent.resource.PackageResource;
import org.warehouse.agent.resource.ResourceId;

/**
 * The agent's Prometheus metrics ({@code warehouse_agent_*}), fed by run events and repository
 * polls. Counters for every label value an operator will alert on are registered at 0 up front, so
 * that {@code rate()} and {@code increase()} see the first increment. Package versions are kept by
 * {@link PackageInfo}.
 */
public final class AgentMetrics implements RunListener {
  static final String PREFIX = "warehouse_agent_";
  private static final List<RunResult> RESULTS =
      List.of(RunResult.CHANGED, RunResult.UNCHANGED, RunResult.FAILED);
  private static final List<String> POLL_RESULTS = List.of("modified", "not_modified", "error");
  private static final List<String> PROBE_RESULTS = List.of("unchanged", "changed", "failed");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer duration;
  private final PackageInfo packageInfo;
  private final Map<String, AtomicLong> indexDates = new HashMap<>();
  private volatile double lastRun;
  private volatile double lastSuccess;
  private volatile double lastRunSuccess = Double.NaN;
  private volatile double intervalSeconds;
  private volatile double lastReleaseChange;
  // The daemon loaded agent.yml at start, or would not be running.
  private volatile double lastReloadSuccess = 1;
  // Registered only while agent.yml has a rollout section: without one, no rollout class loads.
  private RolloutMetrics rollout;

  // Every gauge holds its state strongly: Micrometer's default is a weak reference, and a gauge
  // whose lambda was collected reports NaN (next_run did, after the first GC).

  /**
   * @param version the agent's version, for build_info
   * @param nextRun the next scheduled converge, if one is scheduled
   * @param disabledSince since when converges are disabled ({@code agent disable}), if they are
   */
  public AgentMetrics(
      String version,
      Supplier<Optional<Instant>> nextRun,
      Supplier<Optional<Instant>> disabledSince) {
    ProcessMetrics.configure(registry);
    duration =
        Timer.builder(PREFIX + "converge_duration")
            .description("Wall time of converges (why-run excluded)")
            .serviceLevelObjectives(
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5),
                Duration.ofMinutes(15),
                Duration.ofMinutes(60))
            .register(registry);
    // Not the rollout's: an agent without a rollout section has no rollout series at all; those
    // appear with the first converge a rollout starts.
    for (RunResult result : RESULTS) {
      runs(result, Trigger.SCHEDULED);
      runs(result, Trigger.MANUAL);
    }
    Gauge.builder(PREFIX + "last_run_timestamp_seconds", this, m -> m.lastRun)
        .description("End of the last converge, Unix time; 0 before the first")
        .strongReference(true)
        .register(registry);
    Gauge.builder(PREFIX + "last_success_timestamp_seconds", this, m -> m.lastSuccess)
        .description("End of the last converge that did not fail, Unix time; 0 if none recorded")
        .strongReference(true)
        .register(registry);
    Gauge.builder(PREFIX + "last_run_success", this, m -> m.lastRunSuccess)
        .description("1 when the last converge succeeded, 0 when it failed")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            PREFIX + "next_run_timestamp_seconds",
            nextRun,
            s -> s.get().map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN))
        .description("When the next scheduled converge fires, Unix time")
        .strongReference(true)
        .register(registry);
    Gauge.builder(PREFIX + "disabled", disabledSince, s -> s.get().isPresent() ? 1 : 0)
        .description("1 while converges are disabled (agent disable), else 0")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            PREFIX + "disabled_since_timestamp_seconds",
            disabledSince,
            s -> s.get().map(AgentMetrics::seconds).orElse(0.0))
        .description("When converges were disabled (agent disable), Unix time; 0 while enabled")
        .strongReference(true)
        .register(registry);
    skippedRuns("disabled");
    Gauge.builder(PREFIX + "release_last_change_timestamp_seconds", this, m -> m.lastReleaseChange)
        .description("When a release probe last saw a new InRelease, Unix time; 0 if none yet")
        .strongReference(true)
        .register(registry);
    Gauge.builder(PREFIX + "interval_seconds", this, m -> m.intervalSeconds)
        .description("The configured interval between scheduled converges")
        .strongReference(true)
        .register(registry);
    for (String result : List.of("ok", "failed")) {
      reloads(result);
    }
    Gauge.builder(PREFIX + "config_last_reload_success", this, m -> m.lastReloadSuccess)
        .description("1 when the last reload of agent.yml (SIGHUP) took effect, 0 when refused")
        .strongReference(true)
        .register(registry);
    Info.builder()
        .name(PREFIX + "build_info")
        .help("The agent's version")
        .labelNames("version")
        .register(registry.getPrometheusRegistry())
        .addLabelValues(version);
    packageInfo = new PackageInfo(registry.getPrometheusRegistry());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    ProcessMetrics.bindTo(registry);
  }

  /**
   * Registers at 0 the series of what {@code settings} names (repositories, services, packages),
   * and the interval; the rollout series while it has a rollout section (at start and on reload).
   */
  public void configured(Settings settings) {
    intervalSeconds = settings.interval().toMillis() / 1000.0;
    rollout(settings.rollout().isPresent());
    for (Settings.Repository r : settings.repositories()) {
      for (String result : POLL_RESULTS) {
        polls(r.name(), result);
      }
      for (String result : PROBE_RESULTS) {
        probes(r.name(), result);
      }
    }
    for (Settings.Service s : settings.services()) {
      restarts(s.unit(), "ok");
      restarts(s.unit(), "failed");
    }
    for (Settings.PackageSpec p : settings.packages()) {
      rollbacks(p.name());
    }
  }

  /**
   * Starts the run gauges and package_info from runs recorded before this process started
   * (last-run.json, history), so a restart does not reset what Prometheus alerts on.
   */
  public void recorded(Optional<RunReport> last, Optional<Instant> lastSuccessEnd) {
    last.ifPresent(
        r -> {
          lastRun = seconds(r.end());
          lastRunSuccess = r.failed() ? 0 : 1;
          packageInfo.record(r);
        });
    lastSuccessEnd.ifPresent(t -> lastSuccess = seconds(t));
  }

  private synchronized void rollout(boolean configured) {
    if (configured && rollout == null) {
      rollout = RolloutMetrics.ofThisProcess();
      registry.getPrometheusRegistry().register(rollout);
    } else if (!configured && rollout != null) {
      registry.getPrometheusRegistry().unregister(rollout);
      rollout = null;
    }
  }

  /** Records a reload of agent.yml (SIGHUP): taken, or refused as invalid. */
  public void reloaded(boolean ok) {
    reloads(ok ? "ok" : "failed").increment();
    lastReloadSuccess = ok ? 1 : 0;
  }

  /** Counts repository polls by repository and result, and keeps each index's Date. */
  public AptIndexResource.PollObserver polls() {
    return new AptIndexResource.PollObserver() {
      @Override
      public void accept(String repository, String result) {
        polls(repository, result).increment();
      }

      @Override
      public void indexDate(String repository, Instant date) {
        indexDates(repository).set(date.toEpochMilli());
      }
    };
  }

  /**
   * Counts a release probe of the daemon (between converges) by repository and result: unchanged,
   * changed (then {@code at} is the last change seen) or failed.
   */
  public void probed(String repository, String result, Instant at) {
    probes(repository, result).increment();
    if (result.equals("changed")) {
      lastReleaseChange = seconds(at);
    }
  }

  /** Counts a scheduled converge that did not run, by why ("disabled"). */
  public void skipped(String reason) {
    skippedRuns(reason).increment();
  }

  /** The registry, for the HTTP endpoint and tests. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void runFinished(RunReport report) {
    packageInfo.record(report);
    if (report.whyRun()) {
      return; // checked only: not a converge, not counted as one
    }
    runs(report.result(), report.trigger()).increment();
    duration.record(Duration.ofMillis(report.durationMs()));
    lastRun = seconds(report.end());
    lastRunSuccess = report.failed() ? 0 : 1;
    if (!report.failed()) {
      lastSuccess = lastRun;
    }
    for (ResourceReport n : report.notifications()) {
      if (n.id().is(ResourceId.SERVICE) && (n.failed() || n.status() == ResourceStatus.CHANGED)) {
        restarts(n.id().name(), n.failed() ? "failed" : "ok").increment();
      }
    }
    for (List<ResourceReport> list : List.of(report.resources(), report.notifications())) {
      for (ResourceReport r : list) {
        // A failed install whose previous set was put back is a rollback too (of the install).
        boolean restored =
            r.failed()
                && r.id().is(ResourceId.PACKAGE)
                && r.error().contains(PackageResource.RESTORED);
        if (r.status() == ResourceStatus.ROLLED_BACK || restored) {
          // Labelled by package name; another kind (a file) keeps its whole id.
          rollbacks(r.id().is(ResourceId.PACKAGE) ? r.id().name() : r.id().toString()).increment();
        }
      }
    }
  }

  private Counter runs(RunResult result, Trigger trigger) {
    return counter(
        "converge_runs",
        "Converges by result and trigger (why-run excluded)",
        "result",
        result.label(),
        "trigger",
        trigger.label());
  }

  private Counter skippedRuns(String reason) {
    return counter(
        "converge_skipped", "Scheduled converges that did not run, by reason", "reason", reason);
  }

  private Counter polls(String repository, String result) {
    return counter(
        "repository_polls",
        "Conditional GETs of repositories' InRelease by result",
        "repository",
        repository,
        "result",
        result);
  }

  private Counter probes(String repository, String result) {
    return counter(
        "release_probes",
        "The daemon's conditional GETs of InRelease between converges, by result",
        "repository",
        repository,
        "result",
        result);
  }

  // One gauge per repository, registered at its first known Date: before that there is no value
  // to alert on, and a 0 would look like an index from 1970.
  private synchronized AtomicLong indexDates(String repository) {
    return indexDates.computeIfAbsent(
        repository,
        r -> {
          AtomicLong millis = new AtomicLong();
          Gauge.builder(
                  PREFIX + "repository_index_date_timestamp_seconds", millis, m -> m.get() / 1000.0)
              .description(
                  "Date field of the repository's signed index (InRelease) apt last accepted")
              .tag("repository", r)
              .strongReference(true)
              .register(registry);
          return millis;
        });
  }

  private Counter reloads(String result) {
    return counter(
        "config_reloads",
        "Reloads of agent.yml on SIGHUP by result: ok, or failed (invalid, refused)",
        "result",
        result);
  }

  private Counter restarts(String service, String result) {
    return counter(
        "service_restarts",
        "Restarts of services notified by a change, by result",
        "service",
        service,
        "result",
        result);
  }

  private Counter rollbacks(String pkg) {
    return counter("rollbacks", "Rollbacks of a package to its previous version", "package", pkg);
  }

  // Micrometer returns the registered counter for a name and tags already seen.
  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(PREFIX + name).tags(tags).description(description).register(registry);
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}
