package org.warehouse.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quartz.SchedulerException;
import org.warehouse.agent.config.Settings;

/**
 * The daemon's periodic look at the wall clock: after it was set back, Quartz's next slot is as far
 * away as the jump, so the host's next slot is taken from the clock as it is now. (A jump forward
 * needs nothing: the missed slot fires once, at once, as a misfire.)
 */
final class ClockGuard implements Runnable {
  /** How often the daemon looks. */
  static final Duration PERIOD = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger("daemon");
  // NTP slews by milliseconds, not seconds: smaller differences are not a jump.
  private static final Duration TOLERANCE = Duration.ofSeconds(10);

  private final ClockWatch watch;
  private final HostSchedule schedule;
  private final Supplier<Settings> settings;

  ClockGuard(Clock clock, HostSchedule schedule, Supplier<Settings> settings) {
    this.watch = new ClockWatch(clock, System::nanoTime, TOLERANCE);
    this.schedule = schedule;
    this.settings = settings;
  }

  /** One look; never throws (a periodic task that throws is never run again). */
  @Override
  public void run() {
    Optional<Duration> back = watch.wentBack();
    if (back.isEmpty()) {
      return;
    }
    try {
      ConvergeSchedule next = schedule.reschedule(settings.get());
      LOG.warning(
          "wall clock went back by "
              + back.get().toSeconds()
              + "s; next converge rescheduled to "
              + next.firstSlot());
    } catch (SchedulerException | RuntimeException e) {
      LOG.log(Level.SEVERE, "wall clock went back; cannot reschedule", e);
    }
  }
}
