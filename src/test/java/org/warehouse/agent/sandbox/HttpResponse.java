package org.warehouse.agent.sandbox;

/** An HTTP answer seen from inside a sandbox; status 0 when there was none (refused, timeout). */
public record HttpResponse(int status, String body) {
  /** Whether the status is 2xx. */
  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }
}
