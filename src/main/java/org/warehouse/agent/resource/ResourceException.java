package org.warehouse.agent.resource;

/** A resource could not be converged; the message is one line fit for a report. */
public class ResourceException extends Exception {
  private static final long serialVersionUID = 1L;

  public ResourceException(String message) {
    super(message);
  }

  public ResourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
