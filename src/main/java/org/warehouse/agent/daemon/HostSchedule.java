package org.warehouse.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.quartz.SchedulerException;
import org.warehouse.agent.config.Settings;

/** This host's converge slots: the scheduler, placed at the host's offset in the splay window. */
final class HostSchedule {
  private final DaemonScheduler scheduler;
  private final Clock clock;
  private final String hostKey;

  /**
   * @param hostKey this host's key for its place in the splay window (see {@link HostSplay})
   */
  HostSchedule(Runnable converge, Clock clock, String hostKey) throws SchedulerException {
    this.scheduler = new DaemonScheduler(converge, Duration.ofSeconds(60));
    this.clock = clock;
    this.hostKey = hostKey;
  }

  /** Starts firing: a first run after first_run_delay, then the host's slots. */
  ConvergeSchedule start(Settings s) throws SchedulerException {
    ConvergeSchedule schedule =
        ConvergeSchedule.atStart(clock.instant(), s.interval(), s.firstRunDelay(), offset(s));
    scheduler.start(schedule);
    return schedule;
  }

  /** Takes the host's next slot from the clock as it is now (after a reload or a clock jump). */
  ConvergeSchedule reschedule(Settings s) throws SchedulerException {
    ConvergeSchedule schedule =
        ConvergeSchedule.afterReload(clock.instant(), s.interval(), offset(s));
    scheduler.reschedule(schedule);
    return schedule;
  }

  /** The next scheduled converge, if any. */
  Optional<Instant> nextRun() {
    return scheduler.nextRun();
  }

  /** This host's offset in the splay window. */
  Duration offset(Settings s) {
    return HostSplay.offset(hostKey, s.splay());
  }

  /** Stops firing; a run in progress is not touched. */
  void standby() throws SchedulerException {
    scheduler.standby();
  }

  void close() throws SchedulerException {
    scheduler.close();
  }
}
