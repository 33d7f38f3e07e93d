package org.warehouse.agent.rollout;

/**
 * A slot of a rollout as its holder knows it. The epoch fences it: each grant takes a new one, and
 * only the newest grant's holder can renew, report or finish.
 */
public record Slot(long rolloutId, RolloutKey key, HostId host, long epoch, boolean canary) {
  @Override
  public String toString() {
    return key + " slot of " + host + " (epoch " + epoch + (canary ? ", canary" : "") + ")";
  }
}
