package org.warehouse.agent.service;

import java.time.Duration;
import java.util.Optional;

/**
 * Starts and restarts units and verifies the result: {@code systemctl restart} returns 0 even when
 * the new process dies at once, so success means active with a new main PID and, where a health URL
 * is set, that it answers 2xx in time from that process; without one, still so after a short settle
 * time.
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
    begin(unit, false);
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
    begin(unit, true);
    return awaitRunning(unit, oldPid, health);
  }

  /**
   * Starts or restarts {@code unit}; when systemd refuses and the unit is failed (it hit its start
   * rate limit, say), clears the failed state and tries once more.
   */
  private void begin(String unit, boolean restart) throws ServiceException, InterruptedException {
    try {
      startOrRestart(unit, restart);
    } catch (ServiceException e) {
      if (!"failed".equals(systemctl.show(unit).activeState())) {
        throw e;
      }
      systemctl.resetFailed(unit);
      startOrRestart(unit, restart);
    }
  }

  private void startOrRestart(String unit, boolean restart)
      throws ServiceException, InterruptedException {
    if (restart) {
      systemctl.restart(unit);
    } else {
      systemctl.start(unit);
    }
  }

  /**
   * Waits for a new main PID, then for the health check while the unit keeps running; without a
   * check, the process must live for the settle time before it counts.
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
    if (health.isPresent()) {
      // An answer from the new process is the proof it started: no settle time on top.
      awaitHealthy(unit, s.mainPid(), health.get());
    } else {
      Thread.sleep(settle.toMillis());
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
