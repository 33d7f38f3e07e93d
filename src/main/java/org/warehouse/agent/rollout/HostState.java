package org.warehouse.agent.rollout;

import java.util.Locale;

/** Where a host is in one rollout, as stored. The first two hold a slot. */
public enum HostState {
  /** Admitted; installing and restarting, no healthy report yet. */
  INSTALLING,
  /** Reported healthy; keeps its slot until healthy for min_healthy_time. */
  VERIFYING,
  /** Healthy for min_healthy_time; slot released. */
  DONE,
  /** Rolled back; counted as a failure; slot released. */
  FAILED,
  /** Its lease ran out; a failure when it had not reported healthy. */
  EXPIRED,
  /** Freed by an operator (agent rollout release HOST). */
  RELEASED;

  /** Whether a host in this state holds a slot. */
  public boolean holdsSlot() {
    return this == INSTALLING || this == VERIFYING;
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static HostState of(String word) {
    return valueOf(word.toUpperCase(Locale.ROOT));
  }
}
