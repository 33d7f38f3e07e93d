package org.warehouse.agent.converge;

import java.util.Locale;

/** The overall result of a run; its label is the wire form and a metric label. */
public enum RunResult {
  UNCHANGED,
  CHANGED,
  FAILED;

  /** The result whose {@link #label()} is {@code label}; an unknown one is an exception. */
  public static RunResult parse(String label) {
    for (RunResult r : values()) {
      if (r.label().equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown run result: " + label);
  }

  /** The lower-case name (unchanged, changed, failed) of reports, logs and state files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
