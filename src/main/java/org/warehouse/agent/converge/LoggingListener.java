package org.warehouse.agent.converge;

import java.util.function.Supplier;
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

  @Override
  public void runStarted(String runId, Trigger trigger, boolean whyRun) {
    log(
        Level.INFO,
        () ->
            (whyRun ? "why-run " : "")
                + "converge started ("
                + trigger.label()
                + ", run "
                + runId
                + ")");
  }

  @Override
  public void resourceFinished(ResourceReport r, boolean notification) {
    String prefix = notification ? "notification " : "";
    // Skipping a quarantined version is no change, but an operator must see it every run.
    if ("unchanged".equals(r.status()) && r.detail().contains(PackageResource.QUARANTINED)) {
      log(Level.WARNING, () -> prefix + r.id() + " left at " + r.before() + ": " + r.detail());
      return;
    }
    switch (r.status()) {
      case "unchanged" ->
          log(
              Level.FINE,
              () ->
                  prefix
                      + r.id()
                      + " unchanged: "
                      + r.after()
                      + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
      case "skipped" -> log(Level.WARNING, () -> prefix + r.id() + " skipped: " + r.detail());
      case "failed", "timed_out" ->
          log(Level.SEVERE, () -> prefix + r.id() + " " + r.status() + ": " + r.error());
      case "rolled_back" ->
          log(
              Level.WARNING,
              () ->
                  prefix
                      + r.id()
                      + " rolled back: "
                      + r.before()
                      + " -> "
                      + r.after()
                      + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
      // The worst outcome: the host is neither on the new state nor back on the old one.
      case "rollback_failed" ->
          log(
              Level.SEVERE,
              () ->
                  "ROLLBACK FAILED: "
                      + prefix
                      + r.id()
                      + ": "
                      + r.error()
                      + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
      default ->
          log(
              Level.INFO,
              () ->
                  prefix
                      + r.id()
                      + " "
                      + r.status()
                      + ": "
                      + r.before()
                      + " -> "
                      + r.after()
                      + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")")
                      + " in "
                      + r.durationMs()
                      + " ms");
    }
  }

  @Override
  public void runFinished(RunReport report) {
    Level level = report.failed() ? Level.SEVERE : Level.INFO;
    log(
        level,
        () ->
            "converge "
                + report.result()
                + " in "
                + report.durationMs()
                + " ms"
                + (report.error().isEmpty() ? "" : ": " + report.error()));
  }

  private void log(Level level, Supplier<String> message) {
    if (sink.isLoggable(level)) {
      sink.log(level, message.get());
    }
  }
}
