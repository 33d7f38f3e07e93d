package org.warehouse.agent.converge;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.resource.PackageResource;

/** Writes one log line per resource and per run: what changed, how long, why it failed. */
public final class LoggingListener implements RunListener {
  /** Where the lines go: the "converge" logger, or a thin client's own stderr. */
  public interface Sink {
    boolean isLoggable(Level level);

    void log(Level level, String message);
  }

  private final Sink sink;

  /** Lines to java.util.logging's "converge" logger. */
  public LoggingListener() {
    this(julSink());
  }

  public LoggingListener(Sink sink) {
    this.sink = sink;
  }

  /** The "converge" logger as a sink (created here, not in a static field: see the CLI). */
  public static Sink julSink() {
    Logger logger = Logger.getLogger("converge");
    return new Sink() {
      @Override
      public boolean isLoggable(Level level) {
        return logger.isLoggable(level);
      }

      @Override
      public void log(Level level, String message) {
        logger.log(level, message);
      }
    };
  }

  // Each line is built only when its level is logged: a no-op run would otherwise build a line per
  // resource that nobody reads.
  @Override
  public void runStarted(String runId, Trigger trigger, boolean whyRun) {
    if (sink.isLoggable(Level.INFO)) {
      sink.log(
          Level.INFO,
          (whyRun ? "why-run " : "")
              + "converge started ("
              + trigger.label()
              + ", run "
              + runId
              + ")");
    }
  }

  @Override
  public void resourceFinished(ResourceReport r, boolean notification) {
    String prefix = notification ? "notification " : "";
    // Skipping a quarantined version is no change, but an operator must see it every run.
    if (r.status() == ResourceStatus.UNCHANGED
        && r.detail().contains(PackageResource.QUARANTINED)) {
      if (sink.isLoggable(Level.WARNING)) {
        sink.log(Level.WARNING, prefix + r.id() + " left at " + r.before() + ": " + r.detail());
      }
      return;
    }
    Level level =
        switch (r.status()) {
          case UNCHANGED -> Level.FINE;
          case SKIPPED, ROLLED_BACK -> Level.WARNING;
          case FAILED, TIMED_OUT, ROLLBACK_FAILED -> Level.SEVERE;
          case WOULD_CHANGE, CHANGED -> Level.INFO;
        };
    if (!sink.isLoggable(level)) {
      return;
    }
    String detail = r.detail().isEmpty() ? "" : " (" + r.detail() + ")";
    String line =
        switch (r.status()) {
          case UNCHANGED -> prefix + r.id() + " unchanged: " + r.after() + detail;
          case SKIPPED -> prefix + r.id() + " skipped: " + r.detail();
          case FAILED, TIMED_OUT -> prefix + r.id() + " " + r.status().label() + ": " + r.error();
          case ROLLED_BACK ->
              prefix + r.id() + " rolled back: " + r.before() + " -> " + r.after() + detail;
          // The worst outcome: the host is neither on the new state nor back on the old one.
          case ROLLBACK_FAILED -> "ROLLBACK FAILED: " + prefix + r.id() + ": " + r.error() + detail;
          case WOULD_CHANGE, CHANGED ->
              prefix
                  + r.id()
                  + " "
                  + r.status().label()
                  + ": "
                  + r.before()
                  + " -> "
                  + r.after()
                  + detail
                  + " in "
                  + r.durationMs()
                  + " ms";
        };
    sink.log(level, line);
  }

  @Override
  public void runFinished(RunReport report) {
    Level level = report.failed() ? Level.SEVERE : Level.INFO;
    if (sink.isLoggable(level)) {
      sink.log(
          level,
          "converge "
              + report.result().label()
              + " in "
              + report.durationMs()
              + " ms"
              + (report.error().isEmpty() ? "" : ": " + report.error()));
    }
  }
}
