package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quartz.SchedulerException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.LoggingListener;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.exec.ProcessCommandRunner;
import org.warehouse.agent.metrics.AgentMetrics;
import org.warehouse.agent.metrics.MetricsServer;
import org.warehouse.agent.resource.AptIndexResource;
import org.warehouse.agent.service.Systemctl;

/**
 * {@code agent daemon}: the scheduler, the control socket and the metrics endpoint around one run
 * coordinator. SIGHUP reloads agent.yml (an invalid one is refused and the old settings stay);
 * SIGTERM stops scheduling, lets the run in progress end at its next safe point (bounded by
 * run_timeout) and exits 0.
 */
public final class Daemon implements RunCoordinator.Context {
  private static final Logger LOG = Logger.getLogger("daemon");

  private final SettingsSource source;
  private final ConvergerFactory convergers;
  private final String version;
  private final Clock clock;
  private final String hostKey;
  private final Instant startedAt;
  private final AgentMetrics metrics;
  private final RunListener listener;
  private final RunCoordinator runs;
  private final SettingsReload settings;
  private final MaintenanceGate maintenance;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(RunCoordinator.daemonThreads("daemon timers"));
  private volatile String stopReason = "stop requested";
  private HostSchedule schedule;
  private ReleaseWatch releases;
  private ControlServer control;
  private MetricsServer metricsServer;

  /**
   * @param source agent.yml, for reloads
   * @param initial the settings already loaded from it
   * @param hostKey this host's key for its place in the splay window (see {@link HostSplay})
   */
  public Daemon(
      SettingsSource source,
      Settings initial,
      ConvergerFactory convergers,
      String version,
      String hostKey,
      Clock clock) {
    this.source = source;
    this.convergers = convergers;
    this.version = version;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.hostKey = hostKey;
    this.maintenance = new MaintenanceGate(this::settings, clock);
    this.metrics = new AgentMetrics(version, this::nextRun, maintenance::disabledSince);
    this.settings = new SettingsReload(source, initial, startedAt, clock, metrics);
    this.listener = new FanOutListener(List.of(new LoggingListener(), metrics));
    this.runs = new RunCoordinator(this);
  }

  /**
   * Runs until SIGTERM (or {@link #requestStop}); returns the exit code.
   *
   * @throws IOException when the daemon cannot start: another daemon holds the control socket
   */
  public int run() throws IOException, InterruptedException {
    start();
    boolean term = Signals.handle("TERM", () -> requestStop("SIGTERM"));
    boolean interrupt = Signals.handle("INT", () -> requestStop("SIGINT"));
    // Off the signal thread: a reload reads files and may reschedule.
    Signals.handle("HUP", () -> timers.execute(settings::reload));
    if (!(term && interrupt)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> stopInOrder("JVM shutdown"), "agent shutdown"));
    }
    warnIfNothingToManage(settings());
    ProcessCommandRunner processes = new ProcessCommandRunner();
    var restart =
        DeferredRestart.underSystemd(
            System.getenv(),
            Path.of("/proc/self/cgroup"),
            ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH),
            () -> runs.runningSince().isPresent(),
            new Systemctl(processes, Duration.ofSeconds(30)));
    if (restart.isPresent()) {
      // The poll catches its own failures (DeferredRestart.run logs them); nothing to join.
      var unused = timers.scheduleWithFixedDelay(restart.get(), 1, 1, TimeUnit.SECONDS);
    }
    // Last: systemd reports the start done (Type=notify) once the socket answers and signals work.
    new SystemdNotifier(processes, System.getenv())
        .ready("converging every " + settings().interval().toSeconds() + "s");
    stopRequested.await();
    stopInOrder(stopReason);
    return 0;
  }

  /** Starts the metrics endpoint, the control socket and the scheduler ({@link #run} does). */
  public void start() throws IOException {
    Settings s = settings();
    metrics.configured(s);
    metrics.recorded(HistoryScan.lastRun(s), HistoryScan.lastSuccess(s));
    control =
        ControlServer.start(
            s.runDir(), new DaemonControl(this, runs, version, startedAt, source.path()), timers);
    try {
      schedule = new HostSchedule(runs::runScheduled, clock, hostKey);
      ConvergeSchedule first = schedule.start(s);
      settings.schedule(schedule);
      long period = ClockGuard.PERIOD.toSeconds();
      // The guard runs for the daemon's life and never throws.
      var unused =
          timers.scheduleWithFixedDelay(
              new ClockGuard(clock, schedule, this::settings), period, period, TimeUnit.SECONDS);
      // Nothing happens each second unless agent.yml has a rollout section (then every poll).
      var unusedBeat =
          timers.scheduleWithFixedDelay(
              new RolloutBeat(
                  this::settings,
                  runs,
                  () -> maintenance.whyNotNow().isEmpty(),
                  clock,
                  System.getenv()),
              1,
              1,
              TimeUnit.SECONDS);
      releases =
          new ReleaseWatch(
                  this::settings,
                  () -> runs.runningSince().isPresent(),
                  runs::runScheduled,
                  metrics::probed,
                  clock,
                  hostKey)
              .start();
      // Last: the first scrape already sees the next run.
      startMetrics(s);
      LOG.info(
          () ->
              "agent daemon "
                  + version
                  + " started: first converge at "
                  + first.firstRun()
                  + ", then every "
                  + s.interval().toSeconds()
                  + "s at +"
                  + schedule.offset(s).toMillis()
                  + "ms in the "
                  + s.splay().toSeconds()
                  + "s splay (next slot "
                  + first.firstSlot()
                  + "); control socket "
                  + control.path()
                  + (metricsServer == null ? "" : "; metrics on " + metricsUrl()));
    } catch (SchedulerException e) {
      throw new IOException("cannot start the scheduler: " + e.getMessage(), e);
    }
  }

  private void warnIfNothingToManage(Settings s) {
    if (s.repositories().isEmpty()
        && s.packages().isEmpty()
        && s.configFiles().isEmpty()
        && s.services().isEmpty()) {
      // The package's default agent.yml: valid, so the daemon runs instead of crash-looping.
      LOG.warning(
          source.path()
              + " lists no repositories, packages, config_files or services: nothing to manage"
              + " until you fill it in (then: systemctl reload warehouse-agent)");
    }
  }

  /** Asks the daemon to stop in order (as SIGTERM does). */
  public void requestStop(String why) {
    stopReason = why;
    stopRequested.countDown();
  }

  /**
   * Stops scheduling, asks the run in progress to stop at its next safe point, waits for it (up to
   * run_timeout) and closes the socket and the endpoint ({@link #run} does, on SIGTERM).
   */
  public void stopInOrder(String why) {
    LOG.info("stopping (" + why + "): no more scheduled runs");
    try {
      if (schedule != null) {
        schedule.standby();
      }
      closeQuietly(releases);
      Duration bound = settings().runTimeout();
      boolean idle = runs.stop("agent stopping (" + why + ")", bound);
      if (!idle) {
        LOG.severe(
            "the converge in progress did not end within run_timeout ("
                + bound.toSeconds()
                + "s); exiting anyway");
      }
      if (schedule != null) {
        schedule.close();
      }
    } catch (SchedulerException e) {
      LOG.log(Level.WARNING, "stopping the scheduler failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(control);
    closeQuietly(metricsServer);
    timers.shutdownNow();
    LOG.info("stopped");
  }

  /** Re-reads agent.yml (on SIGHUP); an invalid file leaves everything as it was, and says why. */
  public void reload() {
    settings.reload();
  }

  /** The next scheduled converge, if any. */
  public Optional<Instant> nextRun() {
    HostSchedule s = schedule;
    return s == null ? Optional.empty() : s.nextRun();
  }

  /** When the settings in use were read. */
  Instant loadedAt() {
    return settings.loadedAt();
  }

  /** The endpoint's URL; empty when it could not bind. */
  String metricsUrl() {
    return metricsServer == null ? "" : "http://" + settings().metricsListen() + "/metrics";
  }

  @Override
  public boolean scheduledRunAllowed() {
    Optional<String> why = maintenance.whyNotNow();
    if (why.isEmpty()) {
      return true;
    }
    LOG.warning("scheduled converge skipped: " + why.get());
    metrics.skipped("disabled");
    return false;
  }

  /** The metrics. */
  public AgentMetrics metrics() {
    return metrics;
  }

  /** The run coordinator (for tests). */
  RunCoordinator runs() {
    return runs;
  }

  /** The port the metrics endpoint listens on; -1 when it could not bind. */
  public int metricsPort() {
    MetricsServer m = metricsServer;
    return m == null ? -1 : m.port();
  }

  @Override
  public Settings settings() {
    return settings.current();
  }

  @Override
  public ConvergerFactory convergers() {
    return convergers;
  }

  @Override
  public RunListener listener() {
    return listener;
  }

  @Override
  public AptIndexResource.PollObserver polls() {
    return metrics.polls();
  }

  private void startMetrics(Settings s) {
    try {
      metricsServer = MetricsServer.start(s.metricsListen(), metrics);
    } catch (IOException | RuntimeException e) {
      // Converging matters more than being watched; Prometheus sees the target down and alerts.
      LOG.severe(
          "cannot serve metrics on "
              + s.metricsListen()
              + " (metrics.listen): "
              + e.getMessage()
              + "; converging without them");
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "closing " + c.getClass().getSimpleName() + " failed", e);
    }
  }
}
