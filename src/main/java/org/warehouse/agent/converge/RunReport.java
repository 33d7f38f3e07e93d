package org.warehouse.agent.converge;

import java.time.Instant;
import java.util.List;

/** The record of one converge: written to last-run.json, shown by status, counted in metrics. */
public record RunReport(
    String runId,
    String trigger,
    boolean whyRun,
    Instant start,
    Instant end,
    long durationMs,
    String result,
    List<ResourceReport> resources,
    List<ResourceReport> notifications,
    String error) {

  public RunReport {
    // Texts are never null, so that no reader (status, metrics, a client) trips over one.
    trigger = trigger == null ? "" : trigger;
    error = error == null ? "" : error;
    resources = List.copyOf(resources);
    notifications = List.copyOf(notifications);
  }

  public boolean failed() {
    return RunResult.FAILED.label().equals(result);
  }

  /** True when something changed (or would have, in why-run), even if the run failed later. */
  public boolean changedAnything() {
    return anyChanged(resources) || anyChanged(notifications);
  }

  /** Whether any of {@code reports} changed something. */
  static boolean anyChanged(List<ResourceReport> reports) {
    for (ResourceReport r : reports) {
      if (r.changed()) {
        return true;
      }
    }
    return false;
  }
}
