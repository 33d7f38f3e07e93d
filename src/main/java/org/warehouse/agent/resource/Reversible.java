package org.warehouse.agent.resource;

import java.util.Optional;

/**
 * A resource that can undo what it changed in this run, for when a check that depends on it (a
 * service's restart and health) fails afterwards. It remembers the state before its own change;
 * whether to roll back is the runner's decision.
 */
public interface Reversible extends Resource {

  /**
   * What this run changed and what a rollback would put back, in words for reports; empty when
   * there is nothing to undo: nothing changed, or nothing is known to go back to (a first install,
   * a file created in this run).
   */
  Optional<Undo> undo();

  /**
   * Puts back the state from before this run's change.
   *
   * @param reason why, one line; kept where it helps a later run (a package quarantines the version
   *     it had installed, with this reason)
   * @return before: the state this run had made; after: the state restored
   * @throws ResourceException when the previous state could not be restored
   */
  Result rollback(String reason) throws ResourceException, InterruptedException;

  /**
   * What a rollback would undo and put back.
   *
   * @param change e.g. {@code upgrade of warehouse to 18.09.02}
   * @param previous e.g. {@code warehouse 18.09.01}
   */
  record Undo(String change, String previous) {}
}
