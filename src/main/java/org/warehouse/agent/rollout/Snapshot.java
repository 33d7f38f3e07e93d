package org.warehouse.agent.rollout;

import java.util.List;
import java.util.Optional;

/**
 * A rollout's row and the counts admission needs, read in one statement.
 *
 * @param live hosts holding a slot (lease not yet swept)
 * @param expired of those, hosts whose lease ran out by the database's clock
 * @param canaries hosts taken as canaries and not failed: holding, or done
 * @param canariesDone canaries healthy for min_healthy_time
 * @param mine this host's row, if it has one
 */
record Snapshot(
    long id,
    RolloutState state,
    List<String> canaryHosts,
    int canaryCount,
    int maxParallel,
    int haltAfter,
    int failures,
    long epoch,
    String haltedReason,
    int live,
    int expired,
    int canaries,
    int canariesDone,
    Optional<Mine> mine) {

  /** This host's own row: its state, whether it is a canary, and whether its lease still runs. */
  record Mine(HostState state, boolean canary, boolean leaseRunning) {}
}
