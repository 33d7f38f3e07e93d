package org.warehouse.agent.service;

import java.time.Duration;
import java.util.Optional;

/**
 * Starts and restarts units and verifies the result: {@code systemctl restart} returns 0 even when
 * the new process dies at once, so success means active, a new main PID, and still so after a short
 * settle time; where a health URL is set, also that it answers 2xx in time, from that process.
 */
public final class UnitManager {
  // A look at the unit's state is cheap (systemd's private bus): poll closely.
  private static final Duration POLL = Duration.ofMillis(50);
  private final Systemctl systemctl;
  private final Duration startTimeout;
  private final Duration settle;
  private final HealthChecker health;

  public UnitManager(
      Systemctl systemctl, Duration startTimeout, Duration settle, HealthChecker health) {
    this.systemctl = systemctl;
    this.startTimeout = startTimeout;
    this.settle = settle;
    this.health = health;
  }

  public UnitState state(String unit) throws ServiceException, InterruptedException {
    return systemctl.show(unit);
  }

  public void enable(String unit) throws ServiceException, InterruptedException {
    systemctl.enable(unit);
  }

  /** Starts {@code unit} and waits until it is verifiably running. */
  public UnitState start(String unit) throws ServiceException, InterruptedException {
    return start(unit, Optional.empty());
  }

  /** Starts {@code unit} and waits until it is verifiably running and, with a check, healthy. */
  public UnitState start(String unit, Optional<HealthCheck> health)
      throws ServiceException, InterruptedException {
    systemctl.resetFailed(unit);
    systemctl.start(unit);
    return awaitRunning(unit, 0, health);
  }

  /** Restarts {@code unit} and waits until it runs with a main PID other than {@code oldPid}. */
  public UnitState restart(String unit, long oldPid) throws ServiceException, InterruptedException {
    return restart(unit, oldPid, Optional.empty());
  }

  /**
   * Restarts {@code unit} and waits until it runs with a main PID other than {@code oldPid} and,
   * with a check, answers it.
   */
  public UnitState restart(String unit, long oldPid, Optional<HealthCheck> health)
      throws ServiceException, InterruptedException {
    systemctl.resetFailed(unit);
    systemctl.restart(unit);
    return awaitRunning(unit, oldPid, health);
  }

  /**
   * Waits for a new main PID, then for the health check while the unit keeps running, and makes
   * sure the process has lived for the settle time before it counts: a health check that passes
   * sooner does not wait the settle time again on top (the two overlap).
   */
  private UnitState awaitRunning(String unit, long oldPid, Optional<HealthCheck> health)
      throws ServiceException, InterruptedException {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    UnitState s = systemctl.show(unit);
    while (!(s.active() && s.mainPid() > 0 && s.mainPid() != oldPid)) {
      if ("failed".equals(s.activeState()) || System.nanoTime() > deadline) {
        throw new ServiceException(unit, "did not start", s.describe());
      }
      Thread.sleep(POLL.toMillis());
      s = systemctl.show(unit);
    }
    long settledAt = System.nanoTime() + settle.toNanos();
    if (health.isPresent()) {
      awaitHealthy(unit, s.mainPid(), health.get());
    }
    long left = settledAt - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
    UnitState settled = systemctl.show(unit);
    if (!settled.active() || settled.mainPid() != s.mainPid()) {
      throw new ServiceException(
          unit,
          "started but did not stay up",
          "pid " + s.mainPid() + ", now " + settled.describe());
    }
    return settled;
  }

  /**
   * Waits until {@code check} answers 2xx while {@code unit} keeps running as {@code pid}: a unit
   * that dies meanwhile fails at once instead of after the whole health timeout.
   */
  public void awaitHealthy(String unit, long pid, HealthCheck check)
      throws ServiceException, InterruptedException {
    HealthChecker.Poll poll =
        health.await(
            check,
            () -> {
              UnitState s = systemctl.show(unit);
              if (!s.active() || s.mainPid() != pid) {
                throw new ServiceException(
                    unit,
                    "stopped while waiting for its health check",
                    "pid " + pid + ", now " + s.describe());
              }
            });
    if (!poll.healthy()) {
      throw new ServiceException(unit, "failed health check", poll.describeFailure(check));
    }
  }

  /** One health probe with a short budget, for a look at the state before a run changes things. */
  public HealthChecker.Answer probeHealth(HealthCheck check, Duration budget) {
    return health.probe(check.url(), budget);
  }
}
