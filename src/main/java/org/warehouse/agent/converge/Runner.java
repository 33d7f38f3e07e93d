package org.warehouse.agent.converge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.Reversible;

/**
 * Runs a plan: resources in order, then delayed notifications, each step reported to the listener.
 * Each step goes through a {@link StepExecutor} (a thread and a timeout); a failed restart goes to
 * the {@link RollbackPolicy}.
 *
 * <p>As in Chef, the first failure stops the remaining resources (they are reported skipped), but
 * restarts already queued by earlier changes still run, once each, after everything else: a package
 * that was upgraded must not be left running its old code because a later step failed. The run
 * fails either way when a restart fails, rolled back or not.
 */
public final class Runner {
  private final RunListener listener;
  private final Clock clock;
  private final StopRequest stop;
  private final StepExecutor steps;
  private final RollbackPolicy rollback;

  public Runner(Duration resourceTimeout, RunListener listener, Clock clock) {
    this(resourceTimeout, listener, clock, new StopRequest());
  }

  /** A runner whose run ends early, between resources, once {@code stop} is requested. */
  public Runner(Duration resourceTimeout, RunListener listener, Clock clock, StopRequest stop) {
    this.listener = listener;
    this.clock = clock;
    this.stop = stop;
    this.steps = new StepExecutor(resourceTimeout);
    this.rollback = new RollbackPolicy(steps, listener);
  }

  /** Converges {@code plan}; with {@code apply} false nothing on the host changes (why-run). */
  public RunReport run(Plan plan, boolean apply, Trigger trigger) throws InterruptedException {
    return run(plan, apply, trigger, clock.instant());
  }

  /**
   * As {@link #run(Plan, boolean, Trigger)}, for a converge that began at {@code start}: the
   * report's duration is the whole converge's, reading the inputs and building the plan included.
   */
  public RunReport run(Plan plan, boolean apply, Trigger trigger, Instant start)
      throws InterruptedException {
    String runId = UUID.randomUUID().toString();
    listener.runStarted(runId, trigger, !apply);
    RunState run = new RunState(plan, apply);
    String skipReason = "an earlier resource failed";
    for (Resource r : plan.resources()) {
      if (run.firstError == null && stop.reason().isPresent()) {
        run.firstError = "stopped before " + r.id() + ": " + stop.reason().get();
        skipReason = "the run was stopped: " + stop.reason().get();
      }
      if (run.firstError != null) {
        ResourceReport skipped =
            new ResourceReport(r.id(), ResourceStatus.SKIPPED, "", "", skipReason, "", 0);
        run.reports.add(skipped);
        listener.resourceFinished(skipped, false);
        continue;
      }
      ResourceReport rep = converge(run, r);
      run.reports.add(rep);
      listener.resourceFinished(rep, false);
      if (rep.failed()) {
        run.firstError = r.id() + ": " + rep.error();
      } else if (rep.changed()) {
        run.changed.add(r.id());
      }
    }
    notifications(run);
    Instant end = clock.instant();
    boolean anyChange = RunReport.anyChanged(run.reports) || RunReport.anyChanged(run.notes);
    String error = run.error();
    RunResult result =
        error != null ? RunResult.FAILED : anyChange ? RunResult.CHANGED : RunResult.UNCHANGED;
    RunReport report =
        new RunReport(
            runId,
            trigger,
            !apply,
            start,
            end,
            Duration.between(start, end).toMillis(),
            result,
            run.reports,
            run.notes,
            error == null ? "" : error);
    listener.runFinished(report);
    return report;
  }

  // The baseline of the services (a systemctl look and a health GET each) matters only to a run
  // that changes something they subscribe to, and only such a change can be rolled back: so it is
  // taken right before the first reversible resource that would change, still before any change.
  // Until then each reversible resource is checked (why-run) first.
  private ResourceReport converge(RunState run, Resource r) throws InterruptedException {
    if (run.apply && !run.baselined && r instanceof Reversible) {
      ResourceReport check = steps.run(r.id(), new StepExecutor.CheckApply(r, false)).report();
      if (check.status() == ResourceStatus.UNCHANGED) {
        // Nothing to do: the check is the whole of this resource's run (check, then apply only
        // if needed), so a no-op run looks at each reversible resource once, not twice.
        return check;
      }
      baselines(run);
    }
    return steps.run(r.id(), new StepExecutor.CheckApply(r, run.apply)).report();
  }

  private void baselines(RunState run) throws InterruptedException {
    run.baselined = true;
    for (Resource r : run.plan.resources()) {
      if (r instanceof Refreshable s && run.plan.subscriptions().containsKey(r.id())) {
        StepExecutor.Attempt a = steps.run(r.id(), s::baseline);
        if (a.report().failed()) {
          run.badBefore.put(r.id(), a.report().error());
        }
      }
    }
  }

  private void notifications(RunState run) throws InterruptedException {
    for (Resource r : run.plan.resources()) {
      List<ResourceId> triggeredBy = run.triggers(r);
      if (triggeredBy.isEmpty()) {
        continue;
      }
      Refreshable target = (Refreshable) r;
      StepExecutor.Attempt a = steps.run(r.id(), () -> target.refresh(run.apply));
      ResourceReport rep =
          a.report().withDetail("notified by " + RunState.joined(triggeredBy, ", "));
      run.notes.add(rep);
      listener.resourceFinished(rep, true);
      if (!rep.failed()) {
        run.refreshedOn.put(r.id(), triggeredBy);
        continue;
      }
      String why = run.apply ? rollback.afterFailedRestart(run, target, triggeredBy, a) : null;
      if (why == null && run.firstError == null) {
        run.firstError = r.id() + ": " + rep.error();
      }
    }
  }

  /** Convenience for plans without notifications. */
  public static Plan plan(List<Resource> resources) {
    return new Plan(resources, Map.of());
  }
}
