package org.warehouse.agent.rollout;

/**
 * What one simulated rollout came to. Times are ms after the publish.
 *
 * @param healthy hosts that ran the new version healthy
 * @param p50 half of those did by then; {@code p99} and {@code last} likewise (-1: none)
 * @param installed hosts admitted to install it (ever)
 * @param restarted of those, hosts that confirmed their slot and restarted onto it
 * @param maxHolding the most hosts holding a slot at one instant, counted on the hosts' side
 * @param promotedAt when the canary stage ended, or -1
 * @param firstOther when a host that was not a canary was first admitted, or -1
 * @param lastReleased when the last slot was released healthy (the rollout done), or -1
 * @param end when the last event happened
 */
record FleetResult(
    FleetParams params,
    int healthy,
    long p50,
    long p99,
    long last,
    int installed,
    int restarted,
    long haltedAt,
    boolean promoted,
    long promotedAt,
    long firstOther,
    RolloutState finalState,
    int maxHolding,
    long lastReleased,
    long end,
    TxLog log) {

  /** Mean transactions per second per 1,000 hosts, from the publish to the last event. */
  double txPerSecondPer1000() {
    return log.total() / seconds() / (params.hosts() / 1000.0);
  }

  /** The same for one kind. */
  double txPerSecondPer1000(TxLog.Kind kind) {
    return log.count(kind) / seconds() / (params.hosts() / 1000.0);
  }

  /** Row-locking transactions per second (they queue on the rollout's row). */
  double lockedPerSecond() {
    return log.locked() / seconds();
  }

  private double seconds() {
    return Math.max(1.0, end / 1000.0);
  }
}
