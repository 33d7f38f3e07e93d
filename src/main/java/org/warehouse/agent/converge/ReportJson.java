package org.warehouse.agent.converge;

import com.fasterxml.jackson.core.JsonParseException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.state.JsonTree;

/**
 * The one JSON form ({@link JsonTree}) of run reports, for last-run.json, the history, the control
 * socket and {@code converge --json}: fields in declaration order, ids and statuses as text.
 */
public final class ReportJson {
  private ReportJson() {}

  /** {@code r} as a JSON object. */
  public static Map<String, Object> toJson(ResourceReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id().toString());
    m.put("status", r.status().label());
    m.put("before", r.before());
    m.put("after", r.after());
    m.put("detail", r.detail());
    m.put("error", r.error());
    m.put("durationMs", r.durationMs());
    return m;
  }

  /** {@code r} as a JSON object. */
  public static Map<String, Object> toJson(RunReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("trigger", r.trigger().label());
    m.put("whyRun", r.whyRun());
    m.put("start", r.start());
    m.put("end", r.end());
    m.put("durationMs", r.durationMs());
    m.put("result", r.result().label());
    m.put("resources", toJson(r.resources()));
    m.put("notifications", toJson(r.notifications()));
    m.put("error", r.error());
    return m;
  }

  private static List<Map<String, Object>> toJson(List<ResourceReport> reports) {
    List<Map<String, Object>> out = new ArrayList<>(reports.size());
    for (ResourceReport r : reports) {
      out.add(toJson(r));
    }
    return out;
  }

  /**
   * The resource report {@link #toJson(ResourceReport)} wrote; no (or an unknown) id or status is
   * an IOException, other texts "".
   */
  public static ResourceReport resourceReport(Map<String, Object> m) throws IOException {
    String id = JsonTree.requiredText(m, "id");
    String status = JsonTree.requiredText(m, "status");
    try {
      return new ResourceReport(
          ResourceId.parse(id),
          ResourceStatus.parse(status),
          JsonTree.optionalText(m, "before"),
          JsonTree.optionalText(m, "after"),
          JsonTree.optionalText(m, "detail"),
          JsonTree.optionalText(m, "error"),
          JsonTree.number(m, "durationMs"));
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  /**
   * The run report {@link #toJson(RunReport)} wrote. What every reader relies on (run ID, trigger,
   * result, start, end) must be there and known, or this is an IOException; a missing text is "",
   * never null.
   */
  public static RunReport runReport(Map<String, Object> m) throws IOException {
    return new RunReport(
        JsonTree.requiredText(m, "runId"),
        trigger(m),
        JsonTree.bool(m, "whyRun"),
        JsonTree.requiredInstant(m, "start"),
        JsonTree.requiredInstant(m, "end"),
        JsonTree.number(m, "durationMs"),
        result(m),
        resourceReports(m, "resources"),
        resourceReports(m, "notifications"),
        JsonTree.optionalText(m, "error"));
  }

  /** The run's trigger; none (every version wrote one) or an unknown one is an IOException. */
  static Trigger trigger(Map<String, Object> m) throws IOException {
    String label = JsonTree.requiredText(m, "trigger");
    try {
      return Trigger.parse(label);
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  /** The run's result; none or an unknown one is an IOException. */
  static RunResult result(Map<String, Object> m) throws IOException {
    String label = JsonTree.requiredText(m, "result");
    try {
      return RunResult.parse(label);
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  private static List<ResourceReport> resourceReports(Map<String, Object> m, String key)
      throws IOException {
    List<ResourceReport> out = new ArrayList<>();
    for (Map<String, Object> r : JsonTree.objects(m, key)) {
      out.add(resourceReport(r));
    }
    return out;
  }
}
