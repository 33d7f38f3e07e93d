package org.warehouse.agent.service;

/**
 * systemctl failed, timed out, or a unit did not reach the state asked for. When it is about a
 * unit, the message is {@code "UNIT FAILURE: DETAIL"} and the parts are kept apart, so that a
 * caller can say what happened to the unit and when without parsing the message.
 */
public final class ServiceException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String headline;
  private final String detail;

  public ServiceException(String message) {
    super(message);
    this.headline = message;
    this.detail = "";
  }

  public ServiceException(String message, Throwable cause) {
    super(message, cause);
    this.headline = message;
    this.detail = "";
  }

  /** {@code unit} {@code failure} (e.g. "did not start"), {@code detail} saying why or how. */
  public ServiceException(String unit, String failure, String detail) {
    super(unit + " " + failure + (detail.isEmpty() ? "" : ": " + detail));
    this.headline = unit + " " + failure;
    this.detail = detail;
  }

  /** What happened, e.g. {@code warehouse-web.service did not start}. */
  public String headline() {
    return headline;
  }

  /** The evidence, e.g. {@code failed (failed)}; empty when the message says it all. */
  public String detail() {
    return detail;
  }
}
