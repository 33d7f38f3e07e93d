package org.warehouse.agent.converge;

import java.util.Locale;

/** The overall result of a run; a metric label and the basis of exit codes. */
public enum RunResult {
  UNCHANGED,
  CHANGED,
  FAILED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
