package org.warehouse.agent.cli;

import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.TransactionGate;
import org.warehouse.agent.rollout.RolloutGate;
import org.warehouse.agent.rollout.RolloutRegistry;

/**
 * Puts a fleet rollout's gate into a run. Apart from {@link Wiring} so that an agent without a
 * {@code rollout:} section never loads this class, the rollout package, pgjdbc or Flyway.
 */
final class RolloutWiring {
  private RolloutWiring() {}

  static TransactionGate gate(Settings s) {
    return RolloutRegistry.gate(s, System.getenv());
  }

  /** {@code listener}, and the gate, which reports the run's end to the rollout. */
  static RunListener listener(Settings s, RunListener listener) {
    RolloutGate g = RolloutRegistry.gate(s, System.getenv());
    return new RunListener() {
      @Override
      public void runStarted(String runId, Trigger trigger, boolean whyRun) {
        listener.runStarted(runId, trigger, whyRun);
      }

      @Override
      public void resourceFinished(ResourceReport report, boolean notification) {
        listener.resourceFinished(report, notification);
      }

      @Override
      public void runFinished(RunReport report) {
        g.runFinished(report);
        listener.runFinished(report);
      }
    };
  }
}
