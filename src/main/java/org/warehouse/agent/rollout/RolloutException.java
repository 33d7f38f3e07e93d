package org.warehouse.agent.rollout;

/** The rollout database could not answer: unreachable, timed out, or refused the statement. */
public final class RolloutException extends Exception {
  private static final long serialVersionUID = 1L;

  public RolloutException(String message, Throwable cause) {
    super(message, cause);
  }

  public RolloutException(String message) {
    super(message);
  }
}
