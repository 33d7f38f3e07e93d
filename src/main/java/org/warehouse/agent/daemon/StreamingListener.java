package org.warehouse.agent.daemon;

import java.util.concurrent.BlockingQueue;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.Trigger;

/**
 * Forwards a run's events to one control connection through a bounded queue: the run never waits on
 * a slow or vanished client (events beyond the bound are dropped; the final report is not an event
 * and always arrives).
 */
final class StreamingListener implements RunListener {
  private final BlockingQueue<ControlMessage> queue;

  StreamingListener(BlockingQueue<ControlMessage> queue) {
    this.queue = queue;
  }

  @Override
  public void runStarted(String runId, Trigger trigger, boolean whyRun) {
    queue.offer(ControlMessage.started(runId, trigger, whyRun));
  }

  @Override
  public void resourceFinished(ResourceReport report, boolean notification) {
    queue.offer(ControlMessage.resource(report, notification));
  }

  @Override
  public void runFinished(RunReport report) {
    queue.offer(ControlMessage.finished(report));
  }
}
