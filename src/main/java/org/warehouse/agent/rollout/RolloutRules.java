package org.warehouse.agent.rollout;

import java.time.Duration;
import java.util.List;
import org.warehouse.agent.config.Settings;

/**
 * The rules a new rollout is created with. The first host to see a version writes them into the
 * rollout's row; every host then follows that row, so hosts with different agent.yml agree.
 */
public record RolloutRules(
    List<String> canaryHosts,
    int canaryCount,
    int maxParallel,
    int haltAfterFailures,
    Duration leaseTtl,
    Duration minHealthyTime) {
  public RolloutRules {
    canaryHosts = List.copyOf(canaryHosts);
  }

  public static RolloutRules of(Settings.Rollout r) {
    return new RolloutRules(
        r.canaryHosts(),
        r.canaryCount(),
        r.maxParallel(),
        r.haltAfterFailures(),
        r.leaseTtl(),
        r.minHealthyTime());
  }
}
