package org.warehouse.agent.converge;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import org.warehouse.agent.config.Settings;

/**
 * One converge end to end: take the host-wide run lock, build the plan (validating every input
 * before anything changes), run it, record the report.
 */
public final class Converger {
  private final Settings settings;
  private final PlanFactory plans;
  private final RunListener listener;
  private final Clock clock;

  public Converger(Settings settings, PlanFactory plans, RunListener listener, Clock clock) {
    this.settings = settings;
    this.plans = plans;
    this.listener = listener;
    this.clock = clock;
  }

  public Path lockFile() {
    return RunLock.file(settings);
  }

  /**
   * Converges the host (or, with {@code whyRun}, only reports what would change).
   *
   * @throws PlanException after recording a failed run, when the inputs are invalid
   * @throws LockBusyException when another converge holds the lock past lock_timeout
   */
  public RunReport converge(Trigger trigger, boolean whyRun)
      throws IOException, LockBusyException, PlanException, InterruptedException {
    return converge(trigger, whyRun, new StopRequest());
  }

  /** As {@link #converge(Trigger, boolean)}, ending early between resources once stop is asked. */
  public RunReport converge(Trigger trigger, boolean whyRun, StopRequest stop)
      throws IOException, LockBusyException, PlanException, InterruptedException {
    try (RunLock lock = RunLock.acquire(lockFile(), settings.lockTimeout())) {
      RunHistory history = new RunHistory(settings.stateDir(), settings.historyLimit());
      Plan plan;
      Instant start = clock.instant();
      try {
        plan = plans.build(settings);
      } catch (PlanException e) {
        RunReport failed = invalidInput(trigger, whyRun, start, e.getMessage());
        listener.runFinished(failed);
        if (!whyRun) {
          record(history, failed);
        }
        throw e;
      }
      RunReport report =
          new Runner(settings.resourceTimeout(), listener, clock, stop)
              .run(plan, !whyRun, trigger, start);
      return whyRun ? report : record(history, report);
    }
  }

  /**
   * Records {@code report}, best effort: a full disk or a read-only state_dir must not turn a run
   * that changed the host (or rolled it back) into an exception that hides what it did. The report
   * returned says the record is missing, and so does a warning.
   */
  private static RunReport record(RunHistory history, RunReport report) {
    try {
      history.record(report);
      return report;
    } catch (IOException e) {
      String note = "the run was not recorded: " + e.getMessage();
      Logger.getLogger(Converger.class.getName()).warning(note);
      return new RunReport(
          report.runId(),
          report.trigger(),
          report.whyRun(),
          report.start(),
          report.end(),
          report.durationMs(),
          report.result(),
          report.resources(),
          report.notifications(),
          report.error().isEmpty() ? note : report.error() + "; " + note);
    }
  }

  private RunReport invalidInput(Trigger trigger, boolean whyRun, Instant start, String message) {
    Instant end = clock.instant();
    return new RunReport(
        UUID.randomUUID().toString(),
        trigger,
        whyRun,
        start,
        end,
        Duration.between(start, end).toMillis(),
        RunResult.FAILED,
        List.of(),
        List.of(),
        "invalid input, nothing changed: " + message);
  }
}
