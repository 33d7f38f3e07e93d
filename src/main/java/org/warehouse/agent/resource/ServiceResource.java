package org.warehouse.agent.resource;

import java.time.Duration;
import java.util.Optional;
import org.warehouse.agent.service.HealthCheck;
import org.warehouse.agent.service.HealthChecker;
import org.warehouse.agent.service.ServiceException;
import org.warehouse.agent.service.UnitManager;
import org.warehouse.agent.service.UnitState;

/**
 * A systemd unit that should be enabled and running, and is restarted when notified. Whenever it
 * (re)starts the unit, it verifies it: active with a new main PID, and, with a health URL,
 * answering 2xx within the health timeout.
 */
public final class ServiceResource implements Refreshable {
  // A look before the run, not a wait: the service either serves now or it did not before.
  private static final Duration BASELINE_PROBE = Duration.ofSeconds(5);
  private final String unit;
  private final UnitManager units;
  private final Optional<HealthCheck> health;
  private final TransactionGate gate;
  // Started and verified by this run's checkApply: the first notified restart would be redundant.
  private boolean startedThisRun;

  public ServiceResource(String unit, UnitManager units, Optional<HealthCheck> health) {
    this(unit, units, health, TransactionGate.OPEN);
  }

  /** A unit that restarts onto a gated change only after the gate confirms the slot. */
  public ServiceResource(
      String unit, UnitManager units, Optional<HealthCheck> health, TransactionGate gate) {
    this.gate = gate;
    this.unit = unit;
    this.units = units;
    this.health = health;
  }

  @Override
  public ResourceId id() {
    return ResourceId.ofService(unit);
  }

  @Override
  public Result checkApply(boolean apply) throws ResourceException, InterruptedException {
    try {
      UnitState s = units.state(unit);
      if (!s.exists()) {
        if (!apply) {
          return Result.differed(false, "not installed", "running", "unit not found yet");
        }
        throw new ResourceException(unit + " not found: is the package that ships it installed?");
      }
      if (s.enabled() && s.active()) {
        return Result.unchanged(s.describe());
      }
      if (!apply) {
        return Result.differed(false, s.describe(), "enabled, active", "");
      }
      StringBuilder done = new StringBuilder();
      if (!s.enabled()) {
        units.enable(unit);
        done.append("enabled");
      }
      UnitState after = s;
      if (!s.active()) {
        after = units.start(unit, health);
        done.append(done.length() > 0 ? ", started" : "started");
      }
      String healthy = s.active() ? verifyHealth(after) : healthySuffix();
      if (!s.active()) {
        startedThisRun = true;
      }
      return Result.differed(true, s.describe(), after.describe() + healthy, done.toString());
    } catch (ServiceException e) {
      throw failure(e);
    }
  }

  @Override
  public Result refresh(boolean apply) throws ResourceException, InterruptedException {
    if (startedThisRun) {
      // Only the first notification is redundant; one after a rollback must restart for real.
      startedThisRun = false;
      return Result.unchanged("started in this run; no second restart");
    }
    try {
      UnitState before = units.state(unit);
      if (!apply) {
        return Result.differed(false, before.describe(), "restarted", "would restart");
      }
      gate.confirm();
      UnitState after = units.restart(unit, before.mainPid(), health);
      String healthy = healthySuffix();
      return Result.differed(true, before.describe(), after.describe() + healthy, "restarted");
    } catch (ServiceException e) {
      throw failure(e);
    }
  }

  @Override
  public Result baseline() throws ResourceException, InterruptedException {
    UnitState s;
    try {
      s = units.state(unit);
    } catch (ServiceException e) {
      throw failure(e);
    }
    if (!s.exists()) {
      throw new ResourceException(unit + " was not installed");
    }
    if (!s.active()) {
      throw new ResourceException(unit + " was not running", s.describe(), null);
    }
    if (health.isEmpty()) {
      return Result.unchanged(s.describe());
    }
    HealthChecker.Answer a = units.probeHealth(health.get(), BASELINE_PROBE);
    if (!a.healthy()) {
      throw new ResourceException(
          unit + " was already unhealthy", a.describe() + " from " + health.get().url(), null);
    }
    return Result.unchanged(s.describe() + ", healthy");
  }

  private String healthySuffix() {
    return health.isPresent() ? ", healthy" : "";
  }

  private String verifyHealth(UnitState running) throws ServiceException, InterruptedException {
    if (health.isEmpty()) {
      return "";
    }
    units.awaitHealthy(unit, running.mainPid(), health.get());
    return ", healthy";
  }

  private static ResourceException failure(ServiceException e) {
    return new ResourceException(e.headline(), e.detail(), e);
  }
}
