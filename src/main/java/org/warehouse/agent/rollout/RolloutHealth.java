package org.warehouse.agent.rollout;

import java.time.Instant;
import java.util.Optional;

/**
 * How this host's rollout client is doing, for metrics and status: whether the database answered
 * last time and when it last did, how many errors and lost slots, and the last answer to an
 * admission.
 */
public final class RolloutHealth {
  private volatile boolean reachable = true;
  private volatile String lastError = "";
  private volatile long databaseErrors;
  private volatile long lostSlots;
  private volatile RolloutKey lastKey;
  private volatile String lastAnswer = "";
  private volatile Instant lastContact;

  synchronized void failed(RolloutException e) {
    reachable = false;
    lastError = e.getMessage();
    databaseErrors++;
  }

  void reached() {
    reached(Instant.now());
  }

  void reached(Instant at) {
    reachable = true;
    lastContact = at;
  }

  synchronized void lostSlot() {
    lostSlots++;
  }

  void answered(RolloutKey key, Decision d) {
    lastKey = key;
    lastAnswer =
        d instanceof Decision.Granted
            ? "admitted"
            : d instanceof Decision.Waiting ? "waiting" : "halted";
  }

  /** Whether the last call reached the database. */
  public boolean reachable() {
    return reachable;
  }

  /** The last database error, or "". */
  public String lastError() {
    return lastError;
  }

  public long databaseErrors() {
    return databaseErrors;
  }

  /** Slots this host lost: its lease ran out or was superseded before it finished. */
  public long lostSlots() {
    return lostSlots;
  }

  /** When a call last reached the database; empty before the first did. */
  public Optional<Instant> lastContact() {
    return Optional.ofNullable(lastContact);
  }

  /** The rollout this host last asked about. */
  public Optional<RolloutKey> lastKey() {
    return Optional.ofNullable(lastKey);
  }

  /** The last answer: admitted, waiting, halted, or "". */
  public String lastAnswer() {
    return lastAnswer;
  }
}
