package org.warehouse.agent.attributes;

import java.util.Locale;

/** Chef's precedence levels, lowest first; a higher level's value wins. */
public enum AttributeLevel {
  DEFAULT,
  NORMAL,
  OVERRIDE,
  AUTOMATIC;

  /** The lower-case name used in explanations: {@code default}, {@code normal}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
