package org.warehouse.agent.service;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** A service's health URL and how long it may take to answer 2xx after a (re)start. */
public record HealthCheck(URI url, Duration timeout) {
  public HealthCheck {
    Objects.requireNonNull(url, "url");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("health timeout must be positive: " + timeout);
    }
  }
}
