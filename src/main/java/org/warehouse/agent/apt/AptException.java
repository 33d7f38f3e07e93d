package org.warehouse.agent.apt;

/** An apt, dpkg or repository operation failed; the message is one line with the cause. */
public final class AptException extends Exception {
  private static final long serialVersionUID = 1L;

  public AptException(String message) {
    super(message);
  }

  public AptException(String message, Throwable cause) {
    super(message, cause);
  }
}
