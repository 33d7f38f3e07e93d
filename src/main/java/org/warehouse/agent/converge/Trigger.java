package org.warehouse.agent.converge;

import java.util.Locale;

/** Why a run happened; its label is the wire form (reports, logs, metric labels). */
public enum Trigger {
  SCHEDULED,
  MANUAL,
  /** Started by the fleet rollout's beat: a slot this host waited for was just granted. */
  ROLLOUT;

  /** The trigger whose {@link #label()} is {@code label}; an unknown one is an exception. */
  public static Trigger parse(String label) {
    for (Trigger t : values()) {
      if (t.label().equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown trigger: " + label);
  }

  /** The lower-case name (scheduled, manual, rollout) of reports, logs, metrics and state files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
