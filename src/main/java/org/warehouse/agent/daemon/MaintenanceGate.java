package org.warehouse.agent.daemon;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Maintenance;

/**
 * Whether {@code agent disable} holds the daemon's scheduled converges, read from the state dir.
 */
final class MaintenanceGate {
  private final Supplier<Settings> settings;
  private final Clock clock;

  MaintenanceGate(Supplier<Settings> settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Since when converges are disabled; an unreadable record counts as disabled (now). */
  Optional<Instant> disabledSince() {
    try {
      return new Maintenance(settings.get().stateDir()).current().map(Maintenance.Disabled::since);
    } catch (IOException e) {
      return Optional.of(clock.instant());
    }
  }

  /** Why a scheduled converge may not start now; empty when it may. */
  Optional<String> whyNotNow() {
    try {
      Optional<Maintenance.Disabled> d = new Maintenance(settings.get().stateDir()).current();
      if (d.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of("converges are " + d.get().describe() + " ('agent enable' resumes them)");
    } catch (IOException e) {
      // An operator asked for something there; skipping is the safe reading of it.
      return Optional.of(e.getMessage());
    }
  }
}
