package org.warehouse.agent.version;

/** A string that is not a valid Debian version, with dpkg's reason. */
public final class InvalidVersionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidVersionException(String message) {
    super(message);
  }

  public InvalidVersionException(String message, Throwable cause) {
    super(message, cause);
  }
}
