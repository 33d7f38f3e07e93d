package org.warehouse.agent.attributes;

import java.util.Objects;

/** One level setting one attribute path: the level and where it was written. */
public record Setting(AttributeLevel level, Location location) {
  public Setting {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(location, "location");
  }

  @Override
  public String toString() {
    return level.label() + " (" + location.toShortString() + ")";
  }
}
