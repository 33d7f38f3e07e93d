package org.warehouse.agent.service;

/** The properties of a systemd unit that the agent decides on, from {@code systemctl show}. */
public record UnitState(
    String loadState, String activeState, String subState, String unitFileState, long mainPid) {

  public boolean exists() {
    return !"not-found".equals(loadState);
  }

  public boolean active() {
    return "active".equals(activeState);
  }

  public boolean enabled() {
    return "enabled".equals(unitFileState)
        || "static".equals(unitFileState)
        || "enabled-runtime".equals(unitFileState)
        || "alias".equals(unitFileState);
  }

  /** A short description for reports: {@code active (running) pid 123}. */
  public String describe() {
    return activeState + " (" + subState + ")" + (mainPid > 0 ? " pid " + mainPid : "");
  }
}
