package org.warehouse.agent.converge;

/** The run's inputs (attributes, secrets, rendering) are invalid; nothing was changed. */
public final class PlanException extends Exception {
  private static final long serialVersionUID = 1L;

  public PlanException(String message) {
    super(message);
  }

  public PlanException(String message, Throwable cause) {
    super(message, cause);
  }
}
