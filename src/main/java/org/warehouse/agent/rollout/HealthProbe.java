package org.warehouse.agent.rollout;

import java.util.Optional;

/**
 * A look at this host's health while it holds a slot after its healthy report: the slot is released
 * only while the look finds nothing wrong, so "healthy for min_healthy_time" is sampled every poll
 * rather than taken from the restart's check alone.
 */
@FunctionalInterface
public interface HealthProbe {
  /** Nothing to look at: healthy. */
  HealthProbe NONE = Optional::empty;

  /** What is wrong now, or empty when the host is healthy. */
  Optional<String> unhealthy();
}
