package org.warehouse.agent.converge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.Reversible;

/**
 * What to do when a notified restart (with its health check) fails. When the run's own changes are
 * to blame (the service was running and healthy before the run, and what it subscribes to changed
 * in this run and knows its previous state), those changes are rolled back ({@link Reversible}),
 * the service is restarted and checked again, and so are the services already restarted onto the
 * undone changes. The undone resources are reported {@code rolled_back}, or {@code rollback_failed}
 * when the old state could not be restored or still does not serve.
 */
final class RollbackPolicy {
  private final StepExecutor steps;
  private final RunListener listener;

  RollbackPolicy(StepExecutor steps, RunListener listener) {
    this.steps = steps;
    this.listener = listener;
  }

  /**
   * Decides and performs the rollback for a failed restart of {@code service}; returns the
   * run-level message, or null when nothing was rolled back.
   */
  String afterFailedRestart(
      RunState run, Refreshable service, List<ResourceId> triggeredBy, StepExecutor.Attempt failed)
      throws InterruptedException {
    String headline = failed.headline(service.id());
    String detail = failed.detail();
    List<Reversible> undoable = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    List<String> previous = new ArrayList<>();
    for (ResourceId id : triggeredBy) {
      if (run.find(id) instanceof Reversible rev) {
        Optional<Reversible.Undo> undo = rev.undo();
        if (undo.isPresent()) {
          undoable.add(rev);
          changes.add(undo.get().change());
          previous.add(undo.get().previous());
        }
      }
    }
    String after =
        changes.isEmpty()
            ? "changes to " + RunState.joined(triggeredBy, ", ")
            : String.join(" and ", changes);
    String reason = headline + " after " + after + (detail.isEmpty() ? "" : " (" + detail + ")");
    String before = run.badBefore.get(service.id());
    if (before != null) {
      return notRolledBack(run, reason + "; not rolled back: before this run, " + before);
    }
    if (undoable.isEmpty()) {
      return notRolledBack(
          run, reason + "; not rolled back: no previous state known (first install or new file)");
    }
    List<String> failures = new ArrayList<>();
    for (Reversible rev : undoable) {
      undo(run, rev, reason, failures);
    }
    restartAgain(run, service, failures);
    String message =
        failures.isEmpty()
            ? reason + "; rolled back to " + String.join(" and ", previous)
            : "ROLLBACK FAILED: " + reason + "; " + String.join("; ", failures);
    run.rollbackErrors.add(message);
    return message;
  }

  private void undo(RunState run, Reversible rev, String reason, List<String> failures)
      throws InterruptedException {
    StepExecutor.Attempt a = steps.run(rev.id(), () -> rev.rollback(reason));
    ResourceReport was = run.findReport(rev.id());
    String changedTo =
        "changed to " + was.after() + (was.detail().isEmpty() ? "" : " (" + was.detail() + ")");
    long took = was.durationMs() + a.report().durationMs();
    ResourceReport rep;
    if (a.report().failed()) {
      failures.add("rolling back " + rev.id() + " failed: " + a.report().error());
      rep =
          new ResourceReport(
              rev.id(),
              ResourceStatus.ROLLBACK_FAILED,
              was.before(),
              was.after(),
              changedTo + "; rollback failed",
              a.report().error(),
              took);
    } else {
      run.rolledBack.add(rev.id());
      rep =
          new ResourceReport(
              rev.id(),
              ResourceStatus.ROLLED_BACK,
              was.before(),
              a.report().after(),
              changedTo + "; rolled back: " + a.report().detail(),
              "",
              took);
    }
    run.reports.set(run.reports.indexOf(was), rep);
    listener.resourceFinished(rep, false);
  }

  // The failed service, then those already restarted onto what was just undone.
  private void restartAgain(RunState run, Refreshable service, List<String> failures)
      throws InterruptedException {
    List<Resource> again = new ArrayList<>();
    for (Resource r : run.plan.resources()) {
      List<ResourceId> on = run.refreshedOn.getOrDefault(r.id(), List.of());
      if (r == service || on.stream().anyMatch(run.rolledBack::contains)) {
        again.add(r);
      }
    }
    for (Resource r : again) {
      Refreshable s = (Refreshable) r;
      ResourceReport rep = steps.run(r.id(), () -> s.refresh(true)).report();
      rep = rep.withDetail("after rollback");
      if (rep.failed()) {
        failures.add(r.id() + " still fails after the rollback: " + rep.error());
        rep = rep.withStatus(ResourceStatus.ROLLBACK_FAILED);
      }
      run.notes.add(rep);
      listener.resourceFinished(rep, true);
    }
  }

  private static String notRolledBack(RunState run, String message) {
    run.rollbackErrors.add(message);
    return message;
  }
}
