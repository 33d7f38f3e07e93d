package org.warehouse.agent.daemon;

import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quartz.SchedulerException;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.metrics.AgentMetrics;

/**
 * The daemon's settings of the moment and their reload (SIGHUP): a valid agent.yml replaces them
 * and, when interval or splay changed, the schedule; an invalid one is refused, says why, and the
 * old settings stay.
 */
final class SettingsReload {
  private static final Logger LOG = Logger.getLogger("daemon");

  private final SettingsSource source;
  private final Clock clock;
  private final AgentMetrics metrics;
  private volatile Settings current;
  private volatile Instant loadedAt;
  private HostSchedule schedule;

  /**
   * @param loadedAt when {@code initial} was read
   */
  SettingsReload(
      SettingsSource source,
      Settings initial,
      Instant loadedAt,
      Clock clock,
      AgentMetrics metrics) {
    this.source = source;
    this.current = initial;
    this.loadedAt = loadedAt;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The schedule a reload moves (set once the daemon has started it). */
  void schedule(HostSchedule s) {
    this.schedule = s;
  }

  Settings current() {
    return current;
  }

  /** When the settings in use were read. */
  Instant loadedAt() {
    return loadedAt;
  }

  /** Re-reads agent.yml; an invalid file leaves everything as it was, and says why. */
  void reload() {
    Settings old = current;
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
    current = fresh;
    loadedAt = clock.instant();
    metrics.configured(fresh);
    metrics.reloaded(true);
    boolean timingChanged =
        !fresh.interval().equals(old.interval()) || !fresh.splay().equals(old.splay());
    if (timingChanged && schedule != null) {
      try {
        schedule.reschedule(fresh);
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
                + (schedule == null
                    ? "(none)"
                    : schedule.nextRun().map(Instant::toString).orElse("(none)")));
  }
}
