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
    resources = List.copyOf(resources);
    notifications = List.copyOf(notifications);
  }

  public boolean failed() {
    return RunResult.FAILED.label().equals(result);
  }

  /** True when something changed (or would have, in why-run), even if the run failed later. */
  public boolean changedAnything() {
    return resources.stream().anyMatch(ResourceReport::changed)
        || notifications.stream().anyMatch(ResourceReport::changed);
  }
}
