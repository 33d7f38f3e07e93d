package org.warehouse.agent.converge;

/** The host-wide run lock stayed held by another process past the lock timeout (exit 75). */
public final class LockBusyException extends Exception {
  private static final long serialVersionUID = 1L;

  public LockBusyException(String message) {
    super(message);
  }
}
