package org.warehouse.agent.service;

/** systemctl failed, timed out, or a unit did not reach the state asked for. */
public final class ServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServiceException(String message) {
    super(message);
  }

  public ServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
