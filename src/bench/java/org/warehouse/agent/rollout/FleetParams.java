package org.warehouse.agent.rollout;

import java.time.Duration;

/**
 * One simulated rollout: the fleet, its probe and poll, the rollout's rules, what the release does
 * on a host, and how long a host takes to change (from the change benchmark).
 *
 * @param changeSeconds admission to the new version healthy on one host (each host varies +-20%)
 * @param restartSeconds of that, the restart until the first healthy answer (or the crash seen)
 * @param healthTimeout how long an unhealthy release is polled before the rollback
 */
record FleetParams(
    int hosts,
    Duration probeInterval,
    Duration poll,
    RolloutRules rules,
    Release release,
    double changeSeconds,
    double restartSeconds,
    Duration healthTimeout,
    long seed) {

  /** What the new version does on every host. */
  enum Release {
    /** Healthy after its restart. */
    GOOD,
    /** Its unit fails at start: seen at once, rolled back. */
    CRASHES,
    /** Answers 500 on its health URL until health_timeout, then rolled back. */
    UNHEALTHY
  }

  FleetParams with(int maxParallel, Duration probe, Release r, int haltAfter) {
    RolloutRules n =
        new RolloutRules(
            rules.canaryHosts(),
            rules.canaryCount(),
            maxParallel,
            haltAfter,
            rules.leaseTtl(),
            rules.minHealthyTime());
    return new FleetParams(
        hosts, probe, poll, n, r, changeSeconds, restartSeconds, healthTimeout, seed);
  }
}
