package org.warehouse.agent.converge;

import java.util.Locale;

/** Why a run happened; a metric label. */
public enum Trigger {
  SCHEDULED,
  MANUAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
