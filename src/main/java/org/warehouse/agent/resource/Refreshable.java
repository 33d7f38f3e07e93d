package org.warehouse.agent.resource;

/** A resource that can react to a change elsewhere, such as a service restart. */
public interface Refreshable extends Resource {

  /**
   * Reacts to changes in the resources it subscribes to; runs at most once a run, after all
   * changes. With {@code apply} false it only reports what it would do.
   */
  Result refresh(boolean apply) throws ResourceException, InterruptedException;
}
