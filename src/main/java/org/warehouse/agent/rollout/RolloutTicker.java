package org.warehouse.agent.rollout;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * The rollout's heartbeat between runs, every {@code poll}: renews the slot held, releases it once
 * the host has been healthy for min_healthy_time (its {@link HealthProbe} answering healthy on
 * every beat and every {@link #watch()} until then; unhealthy counts the release's failure), asks
 * again for a version this host waits for, and after a restart takes back a slot this host still
 * holds. Never throws: the database being away shows in {@link RolloutHealth} and the gate stays
 * closed.
 */
public final class RolloutTicker {
  private static final Logger LOG = Logger.getLogger(RolloutTicker.class.getName());

  private final RolloutGate gate;
  private final HealthProbe probe;

  public RolloutTicker(RolloutGate gate) {
    this(gate, HealthProbe.NONE);
  }

  /** A ticker that looks at {@code probe} on each beat between the healthy report and the end. */
  public RolloutTicker(RolloutGate gate, HealthProbe probe) {
    this.gate = gate;
    this.probe = probe;
  }

  /**
   * One beat. Returns true when a converge should start now: a slot was just granted to a version
   * this host was waiting for, or a slot held from before a restart has not been reported healthy.
   */
  public boolean tick(boolean runInProgress) {
    synchronized (gate) {
      if (gate.slot().isEmpty() && (gate.waitingFor().isEmpty() || runInProgress)) {
        if (!gate.health().reachable() && !runInProgress) {
          // The last call failed: look again, so that the metric sees the database come back,
          // and take back a slot held from before a restart that adopt() could not.
          adopt();
        }
        // Otherwise nothing to ask: the database's health stays what the last call found.
        return false;
      }
      try {
        boolean converge = beat(runInProgress);
        gate.health().reached();
        return converge;
      } catch (RolloutException e) {
        gate.health().failed(e);
        return false;
      }
    }
  }

  private boolean beat(boolean runInProgress) throws RolloutException {
    Optional<Slot> held = gate.slot();
    if (held.isPresent()) {
      Slot s = held.get();
      if (gate.healthyReported()) {
        // A run in progress may be restarting the services on purpose: not a health answer.
        Optional<String> wrong = runInProgress ? Optional.empty() : probe.unhealthy();
        if (wrong.isPresent()) {
          gate.unhealthyBeforeRelease(s, wrong.get());
          return false;
        }
        LeaseStore.Completion c = gate.leases().complete(s);
        if (c == LeaseStore.Completion.DONE) {
          LOG.info("healthy for min_healthy_time: released " + s);
          gate.slotChanged(null, false);
        } else if (c == LeaseStore.Completion.LOST) {
          LOG.warning("lost " + s + " before it finished");
          gate.health().lostSlot();
          gate.slotChanged(null, false);
        }
        return false;
      }
      if (!gate.leases().renew(s)) {
        LOG.warning("lost " + s + ": its lease ran out or the rollout was halted");
        gate.health().lostSlot();
        gate.slotChanged(null, false);
        return false;
      }
      return !runInProgress;
    }
    Optional<RolloutKey> waiting = gate.waitingFor();
    if (waiting.isEmpty() || runInProgress) {
      return false;
    }
    Decision d = gate.store().admit(gate.host(), waiting.get(), gate.rules());
    gate.health().answered(waiting.get(), d);
    if (d instanceof Decision.Granted g) {
      LOG.info(() -> g.why() + ": converging now");
      gate.slotChanged(g.slot(), false);
      gate.stopWaiting();
      return true;
    }
    if (d instanceof Decision.Halted) {
      gate.stopWaiting();
    }
    return false;
  }

  /**
   * Between beats (the daemon calls it every second, never during a run): looks at the services'
   * health while the slot waits out min_healthy_time, so that a service failing between two polls
   * counts within a second, not at the next poll. Calls the database only to report an unhealthy
   * answer, and not while the last call failed (the next beat reports it then).
   */
  public void watch() {
    Slot s;
    synchronized (gate) {
      Optional<Slot> held = gate.slot();
      if (held.isEmpty() || !gate.healthyReported() || !gate.health().reachable()) {
        return;
      }
      s = held.get();
    }
    // Outside the gate's lock: a slow health URL must not hold up a converge asking the gate.
    Optional<String> wrong = probe.unhealthy();
    if (wrong.isEmpty()) {
      return;
    }
    synchronized (gate) {
      try {
        gate.unhealthyBeforeRelease(s, wrong.get());
        gate.health().reached();
      } catch (RolloutException e) {
        gate.health().failed(e);
      }
    }
  }

  /** After the agent (re)started: takes back the slot this host still holds, if any. */
  public void adopt() {
    synchronized (gate) {
      try {
        Optional<Slot> held = gate.leases().held(gate.host(), gate.group());
        if (held.isPresent()) {
          Decision d = gate.store().admit(gate.host(), held.get().key(), gate.rules());
          if (d instanceof Decision.Granted g) {
            LOG.info("took back " + g.slot() + " after a restart");
            gate.slotChanged(g.slot(), false);
          }
        }
        gate.health().reached();
      } catch (RolloutException e) {
        gate.health().failed(e);
      }
    }
  }
}
