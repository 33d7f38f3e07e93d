package org.warehouse.agent.resource;

/**
 * A resource could not be converged; the message is one line fit for a report. A check that failed
 * keeps its headline ("warehouse-web.service failed health check") apart from the evidence ("HTTP
 * 500 from ..."), so the runner can say what the run changed before it and what it did about it.
 */
public class ResourceException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String headline;
  private final String detail;

  public ResourceException(String message) {
    super(message);
    this.headline = message;
    this.detail = "";
  }

  public ResourceException(String message, Throwable cause) {
    super(message, cause);
    this.headline = message;
    this.detail = "";
  }

  /** The message is {@code headline: detail}. */
  public ResourceException(String headline, String detail, Throwable cause) {
    super(detail.isEmpty() ? headline : headline + ": " + detail, cause);
    this.headline = headline;
    this.detail = detail;
  }

  /** What failed; the whole message unless built with a separate detail. */
  public String headline() {
    return headline;
  }

  /** The evidence; empty unless built with one. */
  public String detail() {
    return detail;
  }
}
