package org.warehouse.agent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.CalendarIntervalScheduleBuilder;
import org.quartz.DateBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Quartz, set up for one job: an in-memory job store, one worker thread, properties given here
 * rather than looked up in a quartz.properties file on the class path or in the working directory.
 * Two triggers fire the converge job: a one-off soon after start, and the host's periodic slots.
 */
final class DaemonScheduler implements AutoCloseable {
  static final JobKey JOB = JobKey.jobKey("converge", "agent");
  static final TriggerKey FIRST = TriggerKey.triggerKey("first-run", "agent");
  static final TriggerKey PERIODIC = TriggerKey.triggerKey("periodic", "agent");
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Scheduler scheduler;

  /**
   * @param converge what the job runs (blocks until the run is over)
   * @param misfireThreshold how late a trigger may fire before it counts as misfired (then it fires
   *     once, at once, and the schedule goes on from its slots)
   */
  DaemonScheduler(Runnable converge, Duration misfireThreshold) throws SchedulerException {
    Properties p = new Properties();
    // Unique per JVM: Quartz keeps schedulers in a static repository by name.
    p.setProperty(
        StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME,
        "warehouse-agent-" + INSTANCES.incrementAndGet());
    p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, "NON_CLUSTERED");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
    p.setProperty(StdSchedulerFactory.PROP_SCHED_INTERRUPT_JOBS_ON_SHUTDOWN, "false");
    p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", "1");
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
    p.setProperty(
        "org.quartz.jobStore.misfireThreshold", Long.toString(misfireThreshold.toMillis()));
    scheduler = new StdSchedulerFactory(p).getScheduler();
    // Our factory, not Quartz's reflective one: the job gets its collaborator by constructor.
    scheduler.setJobFactory((bundle, s) -> new ConvergeJob(converge));
  }

  /** Schedules the job on {@code schedule} and starts firing. */
  void start(ConvergeSchedule schedule) throws SchedulerException {
    JobDetail job = JobBuilder.newJob(ConvergeJob.class).withIdentity(JOB).storeDurably().build();
    scheduler.addJob(job, false);
    if (schedule.firstRun() != null) {
      scheduler.scheduleJob(firstRun(schedule.firstRun()));
    }
    scheduler.scheduleJob(periodic(schedule));
    scheduler.start();
  }

  /** Replaces the periodic trigger (after a reload changed interval or splay). */
  void reschedule(ConvergeSchedule schedule) throws SchedulerException {
    scheduler.rescheduleJob(PERIODIC, periodic(schedule));
  }

  /** The next time a scheduled converge fires, if any is scheduled. */
  Optional<Instant> nextRun() {
    try {
      Optional<Instant> next = Optional.empty();
      for (Trigger t : scheduler.getTriggersOfJob(JOB)) {
        Date d = t.getNextFireTime();
        if (d != null && (next.isEmpty() || d.toInstant().isBefore(next.get()))) {
          next = Optional.of(d.toInstant());
        }
      }
      return next;
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  /** Stops firing triggers; a job in progress is not touched. */
  void standby() throws SchedulerException {
    scheduler.standby();
  }

  @Override
  public void close() throws SchedulerException {
    // Do not wait: the run coordinator already waited (bounded) for the run in progress.
    scheduler.shutdown(false);
  }

  static Trigger firstRun(Instant at) {
    return TriggerBuilder.newTrigger()
        .withIdentity(FIRST)
        .forJob(JOB)
        .startAt(Date.from(at))
        .withSchedule(
            SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
        .build();
  }

  static Trigger periodic(ConvergeSchedule schedule) {
    // A calendar-interval trigger keeps its slots on the wall clock (start + k * interval), and its
    // FIRE_ONCE_NOW misfire instruction runs a missed slot once, not once per missed slot, after a
    // suspend, a clock jump or a run longer than the interval.
    return TriggerBuilder.newTrigger()
        .withIdentity(PERIODIC)
        .forJob(JOB)
        .startAt(Date.from(schedule.firstSlot()))
        .withSchedule(
            CalendarIntervalScheduleBuilder.calendarIntervalSchedule()
                .withInterval(
                    Math.toIntExact(ConvergeSchedule.wholeSeconds(schedule.interval())),
                    DateBuilder.IntervalUnit.SECOND)
                .withMisfireHandlingInstructionFireAndProceed())
        .build();
  }
}
