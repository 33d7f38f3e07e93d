package org.warehouse.agent.resource;

import org.warehouse.agent.service.ServiceException;
import org.warehouse.agent.service.UnitManager;
import org.warehouse.agent.service.UnitState;

/** A systemd unit that should be enabled and running, and is restarted when notified. */
public final class ServiceResource implements Refreshable {
  private final String unit;
  private final UnitManager units;
  // Started by this run's checkApply: a notified restart right after would be redundant.
  private boolean startedThisRun;

  public ServiceResource(String unit, UnitManager units) {
    this.unit = unit;
    this.units = units;
  }

  @Override
  public String id() {
    return "service:" + unit;
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
        after = units.start(unit);
        startedThisRun = true;
        done.append(done.length() > 0 ? ", started" : "started");
      }
      return Result.differed(true, s.describe(), after.describe(), done.toString());
    } catch (ServiceException e) {
      throw new ResourceException(e.getMessage(), e);
    }
  }

  @Override
  public Result refresh(boolean apply) throws ResourceException, InterruptedException {
    if (startedThisRun) {
      return Result.unchanged("started in this run; no second restart");
    }
    try {
      UnitState before = units.state(unit);
      if (!apply) {
        return Result.differed(false, before.describe(), "restarted", "would restart");
      }
      UnitState after = units.restart(unit, before.mainPid());
      return Result.differed(true, before.describe(), after.describe(), "restarted");
    } catch (ServiceException e) {
      throw new ResourceException(e.getMessage(), e);
    }
  }
}
