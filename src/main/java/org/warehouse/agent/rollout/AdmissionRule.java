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
    if (s.canaries() >= s.canaryCount()) {
      return new Wait("canaries first: " + healthy);
    }
    // A failed canary is replaced only once no canary is in flight: a release that fails
    // everywhere reaches no more than canary_count hosts before the failures halt it.
    if (s.failures() > 0 && s.canaries() > s.canariesDone()) {
      return new Wait("canaries first: a canary failed, the others are still in flight");
    }
    return new Grant(true);
  }

  /** Whether the canary stage is over: every canary healthy for min_healthy_time. */
  static boolean promotes(RolloutState state, int canaryCount, int canariesDone) {
    return state == RolloutState.CANARY && canariesDone >= canaryCount;
  }
}
