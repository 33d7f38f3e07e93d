package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quartz.SchedulerException;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.LoggingListener;
import org.warehouse.agent.converge.Maintenance;
import org.warehouse.agent.converge.RunHistory;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.ProcessCommandRunner;
import org.warehouse.agent.metrics.AgentMetrics;
import org.warehouse.agent.metrics.MetricsServer;
import org.warehouse.agent.resource.AptIndexResource;

/**
 * {@code agent daemon}: the scheduler, the control socket and the metrics endpoint around one run
 * coordinator. SIGHUP reloads agent.yml (an invalid one is refused and the old settings stay);
 * SIGTERM stops scheduling, lets the run in progress end at its next safe point (bounded by
 * run_timeout) and exits 0.
 */
public final class Daemon implements RunCoordinator.Context {
  private static final Logger LOG = Logger.getLogger("daemon");
  private static final Duration CLOCK_CHECK = Duration.ofSeconds(5);
  private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(10);

  private final SettingsSource source;
  private final ConvergerFactory convergers;
  private final String version;
  private final Clock clock;
  private final String hostKey;
  private final Instant startedAt;
  private final AgentMetrics metrics;
  private final RunListener listener;
  private final RunCoordinator runs;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(RunCoordinator.daemonThreads("daemon timers"));
  private volatile Settings settings;
  private volatile Instant loadedAt;
  private volatile String stopReason = "stop requested";
  private DaemonScheduler scheduler;
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
    this.settings = initial;
    this.convergers = convergers;
    this.version = version;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.loadedAt = startedAt;
    this.hostKey = hostKey;
    this.metrics = new AgentMetrics(version, this::nextRun, this::disabledSince);
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
    Signals.handle("HUP", this::reloadInBackground);
    boolean signals = term && interrupt;
    if (!signals) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> stopInOrder("JVM shutdown"), "agent shutdown"));
    }
    warnIfNothingToManage(settings);
    armDeferredRestart(System.getenv());
    // Last: systemd reports the start done (Type=notify) once the socket answers and signals work.
    new SystemdNotifier(new ProcessCommandRunner(), System.getenv())
        .ready("converging every " + settings.interval().toSeconds() + "s");
    stopRequested.await();
    stopInOrder(stopReason);
    return 0;
  }

  /** Starts the metrics endpoint, the control socket and the scheduler ({@link #run} does). */
  public void start() throws IOException {
    Settings s = settings;
    metrics.configured(s);
    metrics.recorded(lastRun(s), lastSuccess(s));
    control = ControlServer.start(s.runDir(), controlHandler(), timers);
    try {
      scheduler = new DaemonScheduler(runs::runScheduled, Duration.ofSeconds(60));
      ConvergeSchedule schedule =
          ConvergeSchedule.atStart(clock.instant(), s.interval(), s.firstRunDelay(), offset(s));
      scheduler.start(schedule);
      ClockWatch watch = new ClockWatch(clock, System::nanoTime, CLOCK_TOLERANCE);
      // The watch runs for the daemon's life; it never throws (see clockWentBack).
      var unused =
          timers.scheduleWithFixedDelay(
              () -> watch.wentBack().ifPresent(this::clockWentBack),
              CLOCK_CHECK.toSeconds(),
              CLOCK_CHECK.toSeconds(),
              TimeUnit.SECONDS);
      // Last: the first scrape already sees the next run.
      startMetrics(s);
      LOG.info(
          () ->
              "agent daemon "
                  + version
                  + " started: first converge at "
                  + schedule.firstRun()
                  + ", then every "
                  + s.interval().toSeconds()
                  + "s at +"
                  + offset(s).toMillis()
                  + "ms in the "
                  + s.splay().toSeconds()
                  + "s splay (next slot "
                  + schedule.firstSlot()
                  + "); control socket "
                  + control.path()
                  + (metricsServer == null
                      ? ""
                      : "; metrics on http://" + s.metricsListen() + "/metrics"));
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

  /**
   * Under systemd (a runtime directory, a .service cgroup), polls for the postinst's restart
   * request; see {@link DeferredRestart}.
   */
  private void armDeferredRestart(Map<String, String> env) {
    String dirs = env.get("RUNTIME_DIRECTORY");
    Optional<String> unit = DeferredRestart.ownUnit(Path.of("/proc/self/cgroup"));
    if (dirs == null || dirs.isBlank() || unit.isEmpty()) {
      return;
    }
    ProcessCommandRunner runner = new ProcessCommandRunner();
    DeferredRestart restart =
        new DeferredRestart(
            Path.of(dirs.split(":", -1)[0]).resolve(DeferredRestart.FILE),
            () -> runs.runningSince().isPresent(),
            () -> {
              // --no-block: systemd's SIGTERM must find this thread free, not waiting for itself.
              CommandResult r =
                  runner.run(
                      Command.of(
                          Duration.ofSeconds(30),
                          "systemctl",
                          "restart",
                          "--no-block",
                          unit.get()));
              if (!r.succeeded()) {
                throw new IOException(r.describeFailure());
              }
            });
    restart.clearStale(
        ProcessHandle.current().info().startInstant().orElse(java.time.Instant.EPOCH));
    // The poll catches its own failures (DeferredRestart.run logs them); nothing to join.
    var unused = timers.scheduleWithFixedDelay(restart, 1, 1, TimeUnit.SECONDS);
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
      if (scheduler != null) {
        scheduler.standby();
      }
      Duration bound = settings.runTimeout();
      boolean idle = runs.stop("agent stopping (" + why + ")", bound);
      if (!idle) {
        LOG.severe(
            "the converge in progress did not end within run_timeout ("
                + bound.toSeconds()
                + "s); exiting anyway");
      }
      if (scheduler != null) {
        scheduler.close();
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

  /**
   * After the wall clock was set back, Quartz's next slot is as far away as the jump: take the
   * host's next slot from the clock as it is now. (A jump forward needs nothing: the missed slot
   * fires once, at once, as a misfire.)
   */
  private void clockWentBack(Duration by) {
    Settings s = settings;
    try {
      ConvergeSchedule schedule =
          ConvergeSchedule.afterReload(clock.instant(), s.interval(), offset(s));
      scheduler.reschedule(schedule);
      LOG.warning(
          "wall clock went back by "
              + by.toSeconds()
              + "s; next converge rescheduled to "
              + schedule.firstSlot());
    } catch (SchedulerException | RuntimeException e) {
      // A periodic task that throws is never run again: log and keep watching.
      LOG.log(Level.SEVERE, "wall clock went back; cannot reschedule", e);
    }
  }

  private void reloadInBackground() {
    // Off the signal thread: a reload reads files and may reschedule.
    timers.execute(this::reload);
  }

  /** Re-reads agent.yml (on SIGHUP); an invalid file leaves everything as it was, and says why. */
  public void reload() {
    Settings old = settings;
    Settings fresh;
    try {
      fresh = source.load();
    } catch (ConfigException e) {
      LOG.severe(
          "SIGHUP: "
              + source.path()
              + " is invalid; keeping the settings loaded at "
              + loadedAt
              + ": "
              + e.getMessage());
      metrics.reloaded(false);
      return;
    }
    settings = fresh;
    loadedAt = clock.instant();
    metrics.configured(fresh);
    metrics.reloaded(true);
    if (!fresh.interval().equals(old.interval()) || !fresh.splay().equals(old.splay())) {
      try {
        scheduler.reschedule(
            ConvergeSchedule.afterReload(clock.instant(), fresh.interval(), offset(fresh)));
      } catch (SchedulerException e) {
        LOG.log(Level.SEVERE, "SIGHUP: cannot reschedule; the old schedule stays", e);
      }
    }
    if (!fresh.runDir().equals(old.runDir())) {
      LOG.warning("SIGHUP: run_dir changed; the control socket moves there at the next restart");
    }
    if (!fresh.metricsListen().equals(old.metricsListen())) {
      LOG.warning("SIGHUP: metrics.listen changed; it takes effect at the next restart");
    }
    LOG.info(
        () ->
            "SIGHUP: reloaded "
                + source.path()
                + "; every "
                + fresh.interval().toSeconds()
                + "s, next converge at "
                + nextRun().map(Instant::toString).orElse("(none)"));
  }

  /** The next scheduled converge, if any. */
  public Optional<Instant> nextRun() {
    DaemonScheduler s = scheduler;
    return s == null ? Optional.empty() : s.nextRun();
  }

  /** Since when converges are disabled; an unreadable record counts as disabled (now). */
  private Optional<Instant> disabledSince() {
    try {
      return new Maintenance(settings.stateDir()).current().map(Maintenance.Disabled::since);
    } catch (IOException e) {
      return Optional.of(clock.instant());
    }
  }

  @Override
  public boolean scheduledRunAllowed() {
    Maintenance maintenance = new Maintenance(settings.stateDir());
    String why;
    try {
      Optional<Maintenance.Disabled> d = maintenance.current();
      if (d.isEmpty()) {
        return true;
      }
      why = "converges are " + d.get().describe() + " ('agent enable' resumes them)";
    } catch (IOException e) {
      // An operator asked for something there; skipping is the safe reading of it.
      why = e.getMessage();
    }
    LOG.warning("scheduled converge skipped: " + why);
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
    return settings;
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

  private Duration offset(Settings s) {
    return HostSplay.offset(hostKey, s.splay());
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

  private ControlServer.Handler controlHandler() {
    return new ControlServer.Handler() {
      @Override
      public CompletableFuture<RunOutcome> converge(boolean whyRun, RunListener l) {
        return runs.requestManual(whyRun, l);
      }

      @Override
      public boolean busy() {
        return runs.runningSince().isPresent();
      }

      @Override
      public DaemonStatus status() {
        Settings s = settings;
        return new DaemonStatus(
            version,
            ProcessHandle.current().pid(),
            startedAt,
            source.path().toString(),
            loadedAt,
            nextRun().orElse(null),
            runs.runningSince().orElse(null),
            metricsServer == null ? "" : "http://" + s.metricsListen() + "/metrics");
      }
    };
  }

  private static Optional<RunReport> lastRun(Settings s) {
    try {
      return new RunHistory(s.stateDir(), s.historyLimit()).last();
    } catch (IOException e) {
      LOG.warning("cannot read the last run: " + e.getMessage());
      return Optional.empty();
    }
  }

  // The newest successful run in the history, so the last-success gauge survives a restart.
  private static Optional<Instant> lastSuccess(Settings s) {
    RunHistory history = new RunHistory(s.stateDir(), s.historyLimit());
    try {
      List<Path> files = history.listHistory();
      for (int i = files.size() - 1; i >= 0; i--) {
        try {
          RunReport r = RunHistory.read(files.get(i));
          if (!r.failed() && !r.whyRun()) {
            return Optional.of(r.end());
          }
        } catch (IOException e) {
          // one unreadable report does not hide the older ones
        }
      }
    } catch (IOException e) {
      LOG.warning("cannot read the run history: " + e.getMessage());
    }
    return Optional.empty();
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
