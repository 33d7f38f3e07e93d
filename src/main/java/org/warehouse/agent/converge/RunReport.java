package org.warehouse.agent.converge;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The record of one converge: written to last-run.json, shown by status, counted in metrics. */
public record RunReport(
    String runId,
    Trigger trigger,
    boolean whyRun,
    Instant start,
    Instant end,
    long durationMs,
    RunResult result,
    List<ResourceReport> resources,
    List<ResourceReport> notifications,
    String error) {

  public RunReport {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(result, "result");
    // Texts are never null, so that no reader (status, metrics, a client) trips over one.
    error = error == null ? "" : error;
    resources = List.copyOf(resources);
    notifications = List.copyOf(notifications);
  }

  public boolean failed() {
    return result == RunResult.FAILED;
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
