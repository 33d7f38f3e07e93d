package org.warehouse.agent.daemon;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.Trigger;

/** Passes each run event to several listeners; one that throws never stops the run or the rest. */
final class FanOutListener implements RunListener {
  private static final Logger LOG = Logger.getLogger("daemon");
  private final List<RunListener> listeners;

  FanOutListener(List<RunListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void runStarted(String runId, Trigger trigger, boolean whyRun) {
    each(l -> l.runStarted(runId, trigger, whyRun));
  }

  @Override
  public void resourceFinished(ResourceReport report, boolean notification) {
    each(l -> l.resourceFinished(report, notification));
  }

  @Override
  public void runFinished(RunReport report) {
    each(l -> l.runFinished(report));
  }

  private void each(java.util.function.Consumer<RunListener> event) {
    for (RunListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "run listener " + l.getClass().getSimpleName() + " failed", e);
      }
    }
  }
}
