package org.warehouse.agent.rollout;

import java.util.regex.Pattern;

/** A host's name in its rollouts: the name agent.yml gives, or the kernel's host name. */
public record HostId(String name) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  public HostId {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a host name: 1-63 of A-Z a-z 0-9 _ . -");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
