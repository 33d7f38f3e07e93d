package org.warehouse.agent.rollout;

import java.util.Locale;

/** A rollout's stage, as stored: canaries only, then everyone, or halted fleet-wide. */
public enum RolloutState {
  CANARY,
  ROLLING,
  HALTED;

  /** The stored word. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a stored word. */
  public static RolloutState of(String word) {
    return valueOf(word.toUpperCase(Locale.ROOT));
  }
}
