package org.warehouse.agent.sandbox;

/** The sandbox harness itself failed (boot, timeout, cleanup): not the code under test. */
public final class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
