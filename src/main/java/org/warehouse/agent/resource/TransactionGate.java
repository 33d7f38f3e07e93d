package org.warehouse.agent.resource;

/**
 * The one gate a package transaction passes before it changes the host, and again before anything
 * restarts onto it. Without a rollout every transaction passes ({@link #OPEN}); with one, a fleet
 * rollout's slot is the permission (org.warehouse.agent.rollout).
 */
public interface TransactionGate {
  /** No coordination: every transaction is admitted, nothing is ever lost. */
  TransactionGate OPEN = new TransactionGate() {};

  /**
   * May this host install {@code version} of {@code pkg} now?
   *
   * @throws ResourceException when that cannot be known (the database is unreachable): the
   *     transaction must not run
   */
  default Admission admit(String pkg, String version) throws ResourceException {
    return Admission.ADMITTED;
  }

  /**
   * Right before a restart onto an admitted change: the holder renews its slot, fenced by its
   * epoch.
   *
   * @throws ResourceException when the slot is no longer this host's (paused past its lease, the
   *     rollout halted) or the renewal cannot be made: nothing must restart onto the change
   */
  default void confirm() throws ResourceException {}

  /** Whether this run's slot was lost: a rollback then says nothing about the release. */
  default boolean lost() {
    return false;
  }

  /** The admitted change of {@code pkg} to {@code version} was rolled back, for {@code reason}. */
  default void rolledBack(String pkg, String version, String reason) {}

  /** The answer to {@link #admit}. */
  record Admission(Verdict verdict, String why) {
    public static final Admission ADMITTED = new Admission(Verdict.ADMITTED, "");

    public boolean admitted() {
      return verdict == Verdict.ADMITTED;
    }
  }

  /** Go, not yet, or never. */
  enum Verdict {
    ADMITTED,
    WAITING,
    HALTED
  }
}
