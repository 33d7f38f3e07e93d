package org.warehouse.agent.converge;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.state.JsonTree;

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

  /** Whether any of {@code reports} changed something (a loop: no lambda to link at first use). */
  static boolean anyChanged(List<ResourceReport> reports) {
    for (ResourceReport r : reports) {
      if (r.changed()) {
        return true;
      }
    }
    return false;
  }

  private static List<Map<String, Object>> toJson(List<ResourceReport> reports) {
    List<Map<String, Object>> out = new ArrayList<>(reports.size());
    for (ResourceReport r : reports) {
      out.add(r.toJson());
    }
    return out;
  }

  /** This report as a JSON object ({@link JsonTree}), fields in declaration order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", runId);
    m.put("trigger", trigger);
    m.put("whyRun", whyRun);
    m.put("start", start);
    m.put("end", end);
    m.put("durationMs", durationMs);
    m.put("result", result);
    m.put("resources", toJson(resources));
    m.put("notifications", toJson(notifications));
    m.put("error", error);
    return m;
  }

  /**
   * The report {@link #toJson()} wrote. What every reader relies on (run ID, result, start, end)
   * must be there, or this is an IOException; a missing text is "", never null.
   */
  public static RunReport fromJson(Map<String, Object> m) throws IOException {
    return new RunReport(
        JsonTree.requiredText(m, "runId"),
        JsonTree.optionalText(m, "trigger"),
        JsonTree.bool(m, "whyRun"),
        JsonTree.requiredInstant(m, "start"),
        JsonTree.requiredInstant(m, "end"),
        JsonTree.number(m, "durationMs"),
        JsonTree.requiredText(m, "result"),
        resources(m, "resources"),
        resources(m, "notifications"),
        JsonTree.optionalText(m, "error"));
  }

  private static List<ResourceReport> resources(Map<String, Object> m, String key)
      throws IOException {
    List<ResourceReport> out = new ArrayList<>();
    for (Map<String, Object> r : JsonTree.objects(m, key)) {
      out.add(ResourceReport.fromJson(r));
    }
    return out;
  }
}
