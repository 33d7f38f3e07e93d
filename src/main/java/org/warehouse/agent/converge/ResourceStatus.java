package org.warehouse.agent.converge;

import java.util.Locale;
import org.warehouse.agent.resource.Outcome;

/** What happened to one resource (or notification) in a run; its label is the wire form. */
public enum ResourceStatus {
  /** Already as desired; nothing done. */
  UNCHANGED(false, false),
  /** Not as desired; why-run, so nothing done. */
  WOULD_CHANGE(true, false),
  /** Was not as desired; now it is. */
  CHANGED(true, false),
  /** The resource could not be converged. */
  FAILED(false, true),
  /** Not run: an earlier resource failed, or the run was stopped. */
  SKIPPED(false, false),
  /** Did not finish within resource_timeout. */
  TIMED_OUT(false, true),
  /** Changed, then undone because a service it notifies failed its restart. */
  ROLLED_BACK(false, false),
  /** The rollback did not work: the change stays on the host, so it counts as changed too. */
  ROLLBACK_FAILED(true, true);

  private final boolean changed;
  private final boolean failed;

  ResourceStatus(boolean changed, boolean failed) {
    this.changed = changed;
    this.failed = failed;
  }

  /** Changed the host (or would have, in why-run). */
  public boolean changed() {
    return changed;
  }

  public boolean failed() {
    return failed;
  }

  /** The status of a step whose resource reported {@code outcome}. */
  public static ResourceStatus of(Outcome outcome) {
    return switch (outcome) {
      case UNCHANGED -> UNCHANGED;
      case WOULD_CHANGE -> WOULD_CHANGE;
      case CHANGED -> CHANGED;
    };
  }

  /** The status whose {@link #label()} is {@code label}; an unknown one is an exception. */
  public static ResourceStatus parse(String label) {
    for (ResourceStatus s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown resource status: " + label);
  }

  /** The lower-case name (changed, rollback_failed, ...) of reports, logs and state files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
