package org.warehouse.agent.rollout;

/**
 * Whether a host may take a slot of a rollout now: the pure decision, apart from the SQL that reads
 * the snapshot and records the grant.
 */
final class AdmissionRule {
  private AdmissionRule() {}

  /** The verdict on {@code host} asking for a slot of the rollout {@code s} describes. */
  sealed interface Verdict {}

  /** Take a new slot; {@code canary} when the host goes in the canary stage. */
  record Grant(boolean canary) implements Verdict {}

  /** The host still holds its slot (a restarted agent, a crashed run): give it back. */
  record Again(boolean canary) implements Verdict {}

  /** Not now. */
  record Wait(String why) implements Verdict {}

  /** Never: halted. */
  record Stop(String why) implements Verdict {}

  static Verdict decide(Snapshot s, HostId host) {
    if (s.state() == RolloutState.HALTED) {
      return new Stop("rollout halted: " + s.haltedReason());
    }
    if (s.mine().isPresent()
        && s.mine().get().state().holdsSlot()
        && s.mine().get().leaseRunning()) {
      return new Again(s.mine().get().canary());
    }
    int holding = s.live() - s.expired();
    if (holding >= s.maxParallel()) {
      return new Wait("all " + s.maxParallel() + " slots held (max_parallel)");
    }
    if (s.state() == RolloutState.ROLLING) {
      return new Grant(false);
    }
    String healthy =
        s.canariesDone() + " of " + s.canaryCount() + " canaries healthy for min_healthy_time";
    if (!s.canaryHosts().isEmpty()) {
      return s.canaryHosts().contains(host.name())
          ? new Grant(true)
          : new Wait("canaries first (" + String.join(", ", s.canaryHosts()) + "): " + healthy);
    }
    // A canary's spot is never given to another host: a release that fails on every host then
    // reaches the canaries and no more. The canary itself may take it again after a restart, but
    // not after it failed there.
    boolean mineIsCanary =
        s.mine().isPresent()
            && s.mine().get().canary()
            && s.mine().get().state() != HostState.FAILED;
    return mineIsCanary || s.canaries() < s.canaryCount()
        ? new Grant(true)
        : new Wait("canaries first: " + healthy);
  }

  /** Whether the canary stage is over: every canary healthy for min_healthy_time. */
  static boolean promotes(RolloutState state, int canaryCount, int canariesDone) {
    return state == RolloutState.CANARY && canariesDone >= canaryCount;
  }
}
