package org.warehouse.agent.resource;

/**
 * One piece of desired host state. {@code checkApply(false)} only looks (why-run); {@code
 * checkApply(true)} looks, then changes the host only where it differs. Calling it twice in a row
 * returns UNCHANGED the second time. Implementations never log and never spawn processes
 * themselves: they go through the apt, render and service layers.
 */
public interface Resource {

  /** A stable identifier such as {@code package:warehouse} or {@code file:/opt/x.yml}. */
  ResourceId id();

  /**
   * Checks the resource and, when {@code apply} is true, converges it.
   *
   * @throws ResourceException with a one-line reason when the resource cannot be converged
   */
  Result checkApply(boolean apply) throws ResourceException, InterruptedException;
}
