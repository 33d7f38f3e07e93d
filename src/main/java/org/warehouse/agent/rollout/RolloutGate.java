package org.warehouse.agent.rollout;

import java.util.Optional;
import java.util.logging.Logger;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.TransactionGate;

/**
 * The agent's side of a fleet rollout: a package transaction takes a slot first, a restart onto it
 * confirms the slot (fenced by its epoch), and the run's end reports healthy or failed. It
 * remembers the slot it holds and the version it waits for, so that {@link RolloutTicker} can
 * renew, finish, and ask again between runs. The database unreachable closes the gate: nothing
 * installs.
 */
public final class RolloutGate implements TransactionGate, RunListener {
  private static final Logger LOG = Logger.getLogger(RolloutGate.class.getName());

  private final HostId host;
  private final String group;
  private final RolloutRules rules;
  private final RolloutStore store;
  private final LeaseStore leases;
  private final RolloutHealth health = new RolloutHealth();
  private Slot slot;
  private boolean confirmedThisRun;
  private boolean lost;
  private boolean healthyReported;
  private RolloutKey waitingFor;

  public RolloutGate(
      HostId host, String group, RolloutRules rules, RolloutStore store, LeaseStore leases) {
    this.host = host;
    this.group = group;
    this.rules = rules;
    this.store = store;
    this.leases = leases;
  }

  /** What the metrics and status read: database errors, the slot held, the last answer. */
  public RolloutHealth health() {
    return health;
  }

  public HostId host() {
    return host;
  }

  public String group() {
    return group;
  }

  @Override
  public synchronized Admission admit(String pkg, String version) throws ResourceException {
    RolloutKey key = new RolloutKey(group, pkg, version);
    lost = false;
    Decision d;
    try {
      d = store.admit(host, key, rules);
      health.reached();
    } catch (RolloutException e) {
      health.failed(e);
      throw new ResourceException(
          "rollout database unreachable, "
              + pkg
              + " "
              + version
              + " not installed: "
              + e.getMessage(),
          e);
    }
    health.answered(key, d);
    if (d instanceof Decision.Granted g) {
      slot = g.slot();
      healthyReported = false;
      confirmedThisRun = true;
      waitingFor = null;
      LOG.info(() -> g.why());
      return Admission.ADMITTED;
    }
    if (d instanceof Decision.Waiting) {
      waitingFor = key;
      return new Admission(Verdict.WAITING, d.why());
    }
    waitingFor = null;
    return new Admission(Verdict.HALTED, d.why());
  }

  @Override
  public synchronized void confirm() throws ResourceException {
    if (!confirmedThisRun) {
      return;
    }
    if (slot == null) {
      // The ticker found the lease gone during this run (the host was paused past lease_ttl, say).
      lost = true;
      throw new ResourceException(
          "not restarted: this host lost its rollout slot during the run: its lease ran out or"
              + " the rollout was halted");
    }
    boolean held;
    try {
      held = leases.renew(slot);
      health.reached();
    } catch (RolloutException e) {
      health.failed(e);
      lost = true;
      throw new ResourceException(
          "not restarted: cannot confirm the rollout slot (" + slot + "): " + e.getMessage(), e);
    }
    if (!held) {
      lost = true;
      health.lostSlot();
      throw new ResourceException(
          "not restarted: this host lost its rollout slot ("
              + slot
              + "): its lease ran out, a newer grant superseded it, or the rollout was halted");
    }
  }

  @Override
  public synchronized boolean lost() {
    return lost;
  }

  @Override
  public synchronized void rolledBack(String pkg, String version, String reason) {
    if (slot == null || !slot.key().pkg().equals(pkg) || !slot.key().version().equals(version)) {
      return;
    }
    Slot s = slot;
    slot = null;
    confirmedThisRun = false;
    if (lost) {
      return;
    }
    try {
      leases.reportFailure(s, reason);
      health.reached();
    } catch (RolloutException e) {
      // The lease runs out without a healthy report, which counts the failure all the same.
      health.failed(e);
      LOG.warning("cannot report the failure of " + s + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized void runFinished(RunReport report) {
    if (report.whyRun() || slot == null) {
      return;
    }
    Slot s = slot;
    confirmedThisRun = false;
    try {
      Optional<ResourceReport> pkg = packageReport(report, s);
      if (report.result() == RunResult.FAILED && pkg.isPresent() && pkg.get().failed()) {
        // The transaction itself failed (and was put back): a failure of the release here.
        slot = null;
        if (!lost) {
          leases.reportFailure(s, pkg.get().error());
        }
      } else if (report.result() != RunResult.FAILED
          && !healthyReported
          && pkg.isPresent()
          && pkg.get().after().equals(s.key().version())) {
        healthyReported = leases.reportHealthy(s);
        if (!healthyReported) {
          slot = null;
          health.lostSlot();
        }
      }
      health.reached();
    } catch (RolloutException e) {
      health.failed(e);
      LOG.warning("cannot report the run to the rollout of " + s + ": " + e.getMessage());
    }
  }

  private static Optional<ResourceReport> packageReport(RunReport report, Slot s) {
    for (ResourceReport r : report.resources()) {
      if (r.id().equals(ResourceId.ofPackage(s.key().pkg()))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * The host turned unhealthy after its healthy report, before min_healthy_time was up: the
   * release's failure, counted as a rollback's is; the slot is freed once the count is in.
   */
  synchronized void unhealthyBeforeRelease(Slot s, String why) throws RolloutException {
    if (slot == null || !slot.equals(s)) {
      return;
    }
    String reason = "unhealthy before min_healthy_time was up: " + why;
    LOG.warning(s + ": " + reason);
    leases.reportFailure(s, reason);
    slot = null;
    healthyReported = false;
  }

  /** The slot this host holds, if any. */
  public synchronized Optional<Slot> slot() {
    return Optional.ofNullable(slot);
  }

  synchronized boolean healthyReported() {
    return healthyReported;
  }

  synchronized Optional<RolloutKey> waitingFor() {
    return Optional.ofNullable(waitingFor);
  }

  /** Called by the ticker: the slot finished, was lost, or was adopted after a restart. */
  synchronized void slotChanged(Slot now, boolean healthy) {
    slot = now;
    healthyReported = healthy;
  }

  synchronized void stopWaiting() {
    waitingFor = null;
  }

  RolloutStore store() {
    return store;
  }

  LeaseStore leases() {
    return leases;
  }

  RolloutRules rules() {
    return rules;
  }
}
