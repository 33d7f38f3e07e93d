package org.warehouse.agent.daemon;

import java.util.Locale;

/**
 * Why a converge requested of the daemon did not end with a report; its label is the error kind on
 * the control socket, which the CLI turns into its exit code.
 */
public enum RunError {
  /** Another process held the host's run lock past lock_timeout (exit 75). */
  LOCK_BUSY,
  /** Attributes, secrets or rendering are invalid; nothing changed (exit 78). */
  INVALID_INPUT,
  /** The daemon is stopping and takes no more runs (exit 75: try again). */
  STOPPING,
  /** The daemon serves as many control requests as it takes; this one was not taken (exit 75). */
  BUSY,
  /** The run could not happen for another reason (exit 1). */
  FAILED;

  /**
   * The error whose {@link #label()} is {@code label}. A kind this side does not know (a newer
   * daemon's) is {@link #FAILED}: the run did not happen, for a reason the message gives.
   */
  static RunError fromLabel(String label) {
    for (RunError e : values()) {
      if (e.label().equals(label)) {
        return e;
      }
    }
    return FAILED;
  }

  /** The lower-case name (lock_busy, invalid_input, ...) sent on the control socket. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
