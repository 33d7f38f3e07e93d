package org.warehouse.agent.resource;

/** A resource that can react to a change elsewhere, such as a service restart. */
public interface Refreshable extends Resource {

  /**
   * Reacts to changes in the resources it subscribes to; runs at most once a run, after all changes
   * (again after a rollback). With {@code apply} false it only reports what it would do.
   */
  Result refresh(boolean apply) throws ResourceException, InterruptedException;

  /**
   * Looks at the resource before the run changes anything, so that a failure after the run's
   * changes can be told from one that was already there: only the first may be rolled back.
   *
   * @return the state seen, when it was fine
   * @throws ResourceException saying what was already wrong (or could not be seen)
   */
  default Result baseline() throws ResourceException, InterruptedException {
    return Result.unchanged("");
  }
}
