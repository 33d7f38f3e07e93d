package org.warehouse.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.config.Settings;

/**
 * Fast detection: between converges, every apt.probe_interval at this host's place in that window
 * ({@link HostSplay}), a conditional GET of each repository's InRelease ({@link ReleaseCheck}); a
 * new one starts a converge at once, as a scheduled slot would (one at a time, after the run in
 * progress, skipped while disabled). Its own thread: a probe never waits for, nor delays, the
 * scheduler, the control socket or a converge, and none is made while a converge runs.
 */
final class ReleaseWatch implements AutoCloseable {
  /** Where the metrics go: one call per probe, result unchanged, changed or failed. */
  interface Observer {
    void probed(String repository, String result, Instant at);
  }

  // The longest the watch sleeps: a reload that changes probe_interval, or a wall clock set
  // back, takes effect within this.
  static final Duration RECHECK = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger("daemon");

  private final Supplier<Settings> settings;
  private final BooleanSupplier converging;
  private final Runnable converge;
  private final Observer observer;
  private final Clock clock;
  private final String hostKey;
  private final ReleaseCheck check;
  private final ScheduledThreadPoolExecutor thread =
      new ScheduledThreadPoolExecutor(1, RunCoordinator.daemonThreads("release watch"));
  private volatile boolean closed;
  private Instant notBefore;
  private Instant next;
  private Duration plannedEvery;

  /**
   * @param converging whether a converge is in progress (then no probe is made)
   * @param converge runs one converge as a scheduled one, after the run in progress; blocks
   */
  ReleaseWatch(
      Supplier<Settings> settings,
      BooleanSupplier converging,
      Runnable converge,
      Observer observer,
      Clock clock,
      String hostKey) {
    this.settings = settings;
    this.converging = converging;
    this.converge = converge;
    this.observer = observer;
    this.clock = clock;
    this.hostKey = hostKey;
    this.check = new ReleaseCheck(new RepositoryProbe(clock));
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Starts watching; the first probe comes after the daemon's first converge is due. */
  ReleaseWatch start() {
    Settings s = settings.get();
    notBefore = clock.instant().plus(s.firstRunDelay());
    Duration every = s.apt().probeInterval();
    if (!every.isZero() && !s.repositories().isEmpty()) {
      LOG.info(
          () ->
              "release probes every "
                  + RunCoordinator.words(every)
                  + " at +"
                  + offset(every).toMillis()
                  + "ms in that window (apt.probe_interval)");
    }
    var unused = thread.schedule(this::wake, 0, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The first probe slot strictly after {@code after}: {@code offset} past a multiple of every. */
  static Instant nextProbe(Instant after, Duration every, Duration offset) {
    long period = Math.max(1, every.toMillis());
    long shift = Math.floorMod(offset.toMillis(), period);
    long t = after.toEpochMilli();
    long slot = Math.floorDiv(t - shift, period) * period + shift;
    return Instant.ofEpochMilli(slot <= t ? slot + period : slot);
  }

  private void wake() {
    if (closed) {
      return;
    }
    try {
      Settings s = settings.get();
      Duration every = s.apt().probeInterval();
      Instant now = clock.instant();
      if (every.isZero()) {
        next = null;
      } else if (next == null
          || !every.equals(plannedEvery)
          || Duration.between(now, next).compareTo(every) > 0) {
        // First look, a new probe_interval, or the wall clock went back.
        next = nextProbe(now.isBefore(notBefore) ? notBefore : now, every, offset(every));
      } else if (!now.isBefore(next)) {
        // The next slot first: a round that throws comes back then, not at once in a loop.
        next = nextProbe(now, every, offset(every));
        round(s);
        Instant after = clock.instant();
        if (!after.isBefore(next)) {
          // The converge it started outlasted the slot: the next one after it.
          next = nextProbe(after, every, offset(every));
        }
      }
      plannedEvery = every;
    } catch (InterruptedException e) {
      return; // nothing interrupts this thread: close() lets a probe in progress end
    } catch (RuntimeException e) {
      // A watch that died would never probe again; say so and go on at the next slot.
      LOG.log(Level.SEVERE, "release probe failed with an internal error", e);
    }
    if (!closed) {
      Duration sleep = RECHECK;
      if (next != null) {
        Duration until = Duration.between(clock.instant(), next);
        sleep = until.isNegative() ? Duration.ZERO : until.compareTo(RECHECK) < 0 ? until : RECHECK;
      }
      var unused = thread.schedule(this::wake, sleep.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Duration offset(Duration every) {
    return HostSplay.offset(hostKey, every);
  }

  /** One probe of every repository; a converge when one changed. Package-private for tests. */
  void round(Settings s) throws InterruptedException {
    ProbeCache cache = new ProbeCache(s.stateDir());
    List<String> changed = new ArrayList<>();
    for (Settings.Repository r : s.repositories()) {
      if (closed || converging.getAsBoolean()) {
        break;
      }
      ReleaseCheck.Result result = check.check(repository(r), cache);
      observer.probed(r.name(), result.label(), clock.instant());
      if (result == ReleaseCheck.Result.CHANGED) {
        changed.add(r.name());
      }
    }
    if (!changed.isEmpty() && !closed) {
      LOG.info(
          "release probe: new InRelease in "
              + String.join(", ", changed)
              + "; converging now (apt.probe_interval)");
      // A run in progress is not interrupted: this one follows it.
      converge.run();
    }
  }

  private static AptRepository repository(Settings.Repository r) {
    return new AptRepository(
        r.name(), r.uri(), r.suite(), r.components(), r.signedBy(), r.pollTimeout());
  }

  /** Stops probing; a probe or a converge in progress is not interrupted. */
  @Override
  public void close() {
    closed = true;
    thread.shutdown();
  }
}
