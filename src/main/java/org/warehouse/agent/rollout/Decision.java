package org.warehouse.agent.rollout;

/** The answer to a host asking to install a rollout's version. */
public sealed interface Decision {
  /** Why, in the operator's words. */
  String why();

  /** Go ahead: this host holds {@code slot}; {@code again} when it already held it (a restart). */
  record Granted(Slot slot, boolean again) implements Decision {
    @Override
    public String why() {
      return (again ? "holds its slot again: " : "admitted: ") + slot;
    }
  }

  /** Not yet: ask again after {@code poll}. */
  record Waiting(String why) implements Decision {}

  /** Never: the rollout of this version is halted fleet-wide. */
  record Halted(String why) implements Decision {}
}
