package org.warehouse.agent.converge;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.warehouse.agent.state.JsonTree;

/**
 * What happened to one resource (or one notification) in a run.
 *
 * @param status unchanged, would_change, changed, failed, skipped, timed_out; for a resource whose
 *     change a failed service check undid, rolled_back, or rollback_failed when that did not work
 */
public record ResourceReport(
    String id,
    String status,
    String before,
    String after,
    String detail,
    String error,
    long durationMs) {

  public ResourceReport {
    // Texts are never null, so that no reader (status, a client) trips over one.
    before = before == null ? "" : before;
    after = after == null ? "" : after;
    detail = detail == null ? "" : detail;
    error = error == null ? "" : error;
  }

  public boolean failed() {
    return "failed".equals(status)
        || "timed_out".equals(status)
        || "rollback_failed".equals(status);
  }

  /** This report with {@code prefix} put before its detail. */
  public ResourceReport withDetail(String prefix) {
    return new ResourceReport(
        id,
        status,
        before,
        after,
        detail.isEmpty() ? prefix : prefix + "; " + detail,
        error,
        durationMs);
  }

  /** Changed the host: a failed rollback leaves the change in place, so it counts too. */
  public boolean changed() {
    return "changed".equals(status)
        || "would_change".equals(status)
        || "rollback_failed".equals(status);
  }

  /** This report as a JSON object ({@link JsonTree}), fields in declaration order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("status", status);
    m.put("before", before);
    m.put("after", after);
    m.put("detail", detail);
    m.put("error", error);
    m.put("durationMs", durationMs);
    return m;
  }

  /** The report {@link #toJson()} wrote; no ID or status is an IOException, other texts "". */
  public static ResourceReport fromJson(Map<String, Object> m) throws IOException {
    return new ResourceReport(
        JsonTree.requiredText(m, "id"),
        JsonTree.requiredText(m, "status"),
        JsonTree.optionalText(m, "before"),
        JsonTree.optionalText(m, "after"),
        JsonTree.optionalText(m, "detail"),
        JsonTree.optionalText(m, "error"),
        JsonTree.number(m, "durationMs"));
  }
}
