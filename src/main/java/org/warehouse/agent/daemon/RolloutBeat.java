package org.warehouse.agent.daemon;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.rollout.RolloutGate;
import org.warehouse.agent.rollout.RolloutRegistry;
import org.warehouse.agent.rollout.RolloutTicker;
import org.warehouse.agent.service.HealthChecker;

/**
 * The daemon's side of a fleet rollout: every rollout.poll it lets the {@link RolloutTicker} renew,
 * finish or ask again, and starts a converge when a slot was just granted; in the seconds between,
 * it watches the health of a slot waiting out min_healthy_time. Runs on the daemon's timer thread
 * once a second and does nothing while agent.yml has no rollout section.
 */
final class RolloutBeat implements Runnable {
  private static final Logger LOG = Logger.getLogger("daemon");
  private static final HealthChecker HEALTH = new HealthChecker();

  private final Supplier<Settings> settings;
  private final RunCoordinator runs;
  private final BooleanSupplier allowed;
  private final Clock clock;
  private final Map<String, String> env;
  private RolloutGate adopted;
  private Instant next = Instant.MIN;

  RolloutBeat(
      Supplier<Settings> settings,
      RunCoordinator runs,
      BooleanSupplier allowed,
      Clock clock,
      Map<String, String> env) {
    this.settings = settings;
    this.runs = runs;
    this.allowed = allowed;
    this.clock = clock;
    this.env = env;
  }

  @Override
  public void run() {
    Settings s = settings.get();
    if (s.rollout().isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    if (now.isBefore(next)) {
      watch(s);
      return;
    }
    next = now.plus(s.rollout().get().poll());
    try {
      RolloutGate gate = RolloutRegistry.gate(s, env);
      RolloutTicker ticker = new RolloutTicker(gate, ServicesHealthProbe.of(s.services(), HEALTH));
      if (gate != adopted) {
        ticker.adopt();
        adopted = gate;
      }
      boolean busy = runs.runningSince().isPresent();
      if (ticker.tick(busy) && allowed.getAsBoolean()) {
        LOG.info("rollout: converging now");
        var unused = runs.requestRollout();
      }
    } catch (RuntimeException e) {
      // The timer thread must survive anything; the next beat tries again.
      LOG.log(Level.WARNING, "rollout beat failed", e);
    }
  }

  // Every second between polls, outside runs: the health of a slot waiting out min_healthy_time.
  private void watch(Settings s) {
    try {
      Optional<RolloutGate> gate = RolloutRegistry.current();
      if (gate.isPresent() && gate.get() == adopted && runs.runningSince().isEmpty()) {
        new RolloutTicker(gate.get(), ServicesHealthProbe.of(s.services(), HEALTH)).watch();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "rollout health watch failed", e);
    }
  }
}
