package org.warehouse.agent.rollout;

import java.util.Objects;

/** Which rollout: a package's version within a group of hosts. */
public record RolloutKey(String group, String pkg, String version) {
  public RolloutKey {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public String toString() {
    return pkg + " " + version + " (group " + group + ")";
  }
}
