package org.warehouse.agent.daemon;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.rollout.HealthProbe;
import org.warehouse.agent.service.HealthChecker;

/**
 * The rollout's look at this host's health while its slot waits out min_healthy_time: one GET of
 * each service's health URL, the first that does not answer 2xx named.
 */
final class ServicesHealthProbe implements HealthProbe {
  // The beat runs on the daemon's timer thread: a hung URL must not hold it for a health_timeout.
  private static final Duration MAX_PROBE = Duration.ofSeconds(2);

  private final List<Settings.Service> services;
  private final HealthChecker checker;

  ServicesHealthProbe(List<Settings.Service> services, HealthChecker checker) {
    this.services = List.copyOf(services);
    this.checker = checker;
  }

  /**
   * As a {@link HealthProbe}: a caller that names only this method's return type does not make the
   * class verifier load the rollout package while agent.yml has no rollout section.
   */
  static HealthProbe of(List<Settings.Service> services, HealthChecker checker) {
    return new ServicesHealthProbe(services, checker);
  }

  @Override
  public Optional<String> unhealthy() {
    for (Settings.Service s : services) {
      if (s.healthUrl().isEmpty()) {
        continue;
      }
      Duration budget = s.healthTimeout().compareTo(MAX_PROBE) < 0 ? s.healthTimeout() : MAX_PROBE;
      HealthChecker.Answer a = checker.probe(s.healthUrl().get(), budget);
      if (!a.healthy()) {
        return Optional.of(s.unit() + ": " + a.describe() + " from " + s.healthUrl().get());
      }
    }
    return Optional.empty();
  }
}
