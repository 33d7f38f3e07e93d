package org.warehouse.agent.rollout;

import java.time.Instant;

/** Puts a rollout gate into a state a database would have led to, for tests that only read it. */
public final class GateStates {
  private GateStates() {}

  /** The gate was granted a slot of {@code pkg} {@code version}, the database last reached at. */
  public static void holding(
      RolloutGate gate, String pkg, String version, long epoch, Instant contact) {
    RolloutKey key = new RolloutKey(gate.group(), pkg, version);
    Slot slot = new Slot(1, key, gate.host(), epoch, true);
    gate.health().reached(contact);
    gate.health().answered(key, new Decision.Granted(slot, false));
    gate.slotChanged(slot, false);
  }
}
