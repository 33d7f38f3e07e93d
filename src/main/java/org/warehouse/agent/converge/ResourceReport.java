package org.warehouse.agent.converge;

/**
 * What happened to one resource (or one notification) in a run.
 *
 * @param status unchanged, would_change, changed, failed, skipped or timed_out
 */
public record ResourceReport(
    String id,
    String status,
    String before,
    String after,
    String detail,
    String error,
    long durationMs) {

  public boolean failed() {
    return "failed".equals(status) || "timed_out".equals(status);
  }

  public boolean changed() {
    return "changed".equals(status) || "would_change".equals(status);
  }
}
