package org.warehouse.agent.daemon;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The daemon's one Quartz job: a scheduled converge. Never two at once: a trigger that comes due
 * while a run is in progress waits, and if it waited past the misfire threshold it fires once.
 */
@DisallowConcurrentExecution
final class ConvergeJob implements Job {
  private final Runnable converge;

  ConvergeJob(Runnable converge) {
    this.converge = converge;
  }

  @Override
  public void execute(JobExecutionContext context) {
    converge.run();
  }
}
