package org.warehouse.agent.converge;

import org.warehouse.agent.resource.ResourceId;

/** What happened to one resource (or one notification) in a run. */
public record ResourceReport(
    ResourceId id,
    ResourceStatus status,
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
    return status.failed();
  }

  /** Changed the host: a failed rollback leaves the change in place, so it counts too. */
  public boolean changed() {
    return status.changed();
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

  /** This report with another status, all else kept. */
  public ResourceReport withStatus(ResourceStatus newStatus) {
    return new ResourceReport(id, newStatus, before, after, detail, error, durationMs);
  }
}
