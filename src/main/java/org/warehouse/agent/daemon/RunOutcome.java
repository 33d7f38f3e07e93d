package org.warehouse.agent.daemon;

import org.warehouse.agent.converge.RunReport;

/**
 * How a converge requested of the daemon ended: with a report, or with one of the errors the CLI
 * turns into its exit codes.
 *
 * @param report the run's report; null when the run did not happen or its inputs were invalid
 * @param error "" when the run happened, else one of {@link #LOCK_BUSY}, {@link #INVALID_INPUT},
 *     {@link #STOPPING}, {@link #BUSY}, {@link #FAILED}
 * @param message the error, in words
 */
public record RunOutcome(RunReport report, String error, String message) {
  /** Another process held the host's run lock past lock_timeout (exit 75). */
  public static final String LOCK_BUSY = "lock_busy";

  /** Attributes, secrets or rendering are invalid; nothing changed (exit 78). */
  public static final String INVALID_INPUT = "invalid_input";

  /** The daemon is stopping and takes no more runs (exit 75: try again). */
  public static final String STOPPING = "stopping";

  /** The daemon serves as many control requests as it takes; this one was not taken (exit 75). */
  public static final String BUSY = "busy";

  /** The run could not happen for another reason (exit 1). */
  public static final String FAILED = "failed";

  static RunOutcome of(RunReport report) {
    return new RunOutcome(report, "", "");
  }

  static RunOutcome error(String kind, String message) {
    return new RunOutcome(null, kind, message);
  }
}
