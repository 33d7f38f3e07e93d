package org.warehouse.agent.converge;

/** Observes a run as it happens: logging, metrics and the control socket subscribe here. */
public interface RunListener {
  /** A run begins. */
  default void runStarted(String runId, Trigger trigger, boolean whyRun) {}

  /** A resource or notification finished, in any status. */
  default void resourceFinished(ResourceReport report, boolean notification) {}

  /** The run is over and its report complete. */
  default void runFinished(RunReport report) {}

  /** Nothing listens. */
  RunListener NONE = new RunListener() {};
}
