package org.warehouse.agent.converge;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.resource.PackageResource;

/** Writes one log line per resource and per run: what changed, how long, why it failed. */
public final class LoggingListener implements RunListener {
  private static final Logger LOG = Logger.getLogger("converge");

  @Override
  public void runStarted(String runId, Trigger trigger, boolean whyRun) {
    LOG.info(
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
      LOG.warning(() -> prefix + r.id() + " left at " + r.before() + ": " + r.detail());
      return;
    }
    switch (r.status()) {
      case "unchanged" ->
          LOG.fine(
              () ->
                  prefix
                      + r.id()
                      + " unchanged: "
                      + r.after()
                      + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
      case "skipped" -> LOG.warning(() -> prefix + r.id() + " skipped: " + r.detail());
      case "failed", "timed_out" ->
          LOG.severe(() -> prefix + r.id() + " " + r.status() + ": " + r.error());
      case "rolled_back" ->
          LOG.warning(
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
          LOG.severe(
              () ->
                  "ROLLBACK FAILED: "
                      + prefix
                      + r.id()
                      + ": "
                      + r.error()
                      + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
      default ->
          LOG.info(
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
    LOG.log(
        level,
        () ->
            "converge "
                + report.result()
                + " in "
                + report.durationMs()
                + " ms"
                + (report.error().isEmpty() ? "" : ": " + report.error()));
  }
}
