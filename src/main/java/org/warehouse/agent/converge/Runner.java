package org.warehouse.agent.converge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.Result;
import org.warehouse.agent.resource.Reversible;

/**
 * Owns the policy of a run: order, a timeout per resource, failures, delayed notifications, and
 * rollback.
 *
 * <p>As in Chef, the first failure stops the remaining resources (they are reported skipped), but
 * restarts already queued by earlier changes still run, once each, after everything else: a package
 * that was upgraded must not be left running its old code because a later step failed.
 *
 * <p>When a restart (with its health check) fails, and the run's own changes are to blame (the
 * service was running and healthy before the run, and what it subscribes to changed in this run and
 * knows its previous state), the runner rolls those changes back ({@link Reversible}), restarts the
 * service and checks it again, and again restarts the services it had already restarted on the
 * undone changes. The run fails either way; the undone resources are reported {@code rolled_back},
 * or {@code rollback_failed} when the old state could not be restored or still does not serve.
 */
public final class Runner {
  static final String ROLLED_BACK = "rolled_back";
  static final String ROLLBACK_FAILED = "rollback_failed";

  private final Duration resourceTimeout;
  private final RunListener listener;
  private final Clock clock;
  private final StopRequest stop;

  public Runner(Duration resourceTimeout, RunListener listener, Clock clock) {
    this(resourceTimeout, listener, clock, new StopRequest());
  }

  /** A runner whose run ends early, between resources, once {@code stop} is requested. */
  public Runner(Duration resourceTimeout, RunListener listener, Clock clock, StopRequest stop) {
    this.resourceTimeout = resourceTimeout;
    this.listener = listener;
    this.clock = clock;
    this.stop = stop;
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
    State run = new State(plan, apply);
    String skipReason = "an earlier resource failed";
    for (Resource r : plan.resources()) {
      if (run.firstError == null && stop.reason().isPresent()) {
        run.firstError = "stopped before " + r.id() + ": " + stop.reason().get();
        skipReason = "the run was stopped: " + stop.reason().get();
      }
      if (run.firstError != null) {
        ResourceReport skipped = new ResourceReport(r.id(), "skipped", "", "", skipReason, "", 0);
        run.reports.add(skipped);
        listener.resourceFinished(skipped, false);
        continue;
      }
      // The baseline of the services (a systemctl look and a health GET each) matters only to a
      // run that changes something they subscribe to, and only such a change can be rolled back:
      // so it is taken right before the first reversible resource that would change, still
      // before any change. Until then each reversible resource is checked (why-run) first.
      ResourceReport rep = null;
      if (apply && !run.baselined && r instanceof Reversible) {
        ResourceReport check = invoke(r.id(), new CheckApply(r, false)).report();
        if ("unchanged".equals(check.status())) {
          // Nothing to do: the check is the whole of this resource's run (check, then apply only
          // if needed), so a no-op run looks at each reversible resource once, not twice.
          rep = check;
        } else {
          run.baselines();
        }
      }
      if (rep == null) {
        rep = invoke(r.id(), new CheckApply(r, apply)).report();
      }
      run.reports.add(rep);
      listener.resourceFinished(rep, false);
      if (rep.failed()) {
        run.firstError = r.id() + ": " + rep.error();
      } else if (rep.changed()) {
        run.changed.add(r.id());
      }
    }
    run.notifications();
    Instant end = clock.instant();
    boolean anyChange = RunReport.anyChanged(run.reports) || RunReport.anyChanged(run.notes);
    String error = run.error();
    RunResult result =
        error != null ? RunResult.FAILED : anyChange ? RunResult.CHANGED : RunResult.UNCHANGED;
    RunReport report =
        new RunReport(
            runId,
            trigger.label(),
            !apply,
            start,
            end,
            Duration.between(start, end).toMillis(),
            result.label(),
            run.reports,
            run.notes,
            error == null ? "" : error);
    listener.runFinished(report);
    return report;
  }

  /** The mutable state of one run. */
  private final class State {
    final Plan plan;
    final boolean apply;
    final List<ResourceReport> reports = new ArrayList<>();
    final List<ResourceReport> notes = new ArrayList<>();
    final Set<String> changed = new LinkedHashSet<>();
    final Set<String> rolledBack = new LinkedHashSet<>();
    // Refreshables whose state before the run was already bad: their failures are not ours.
    final Map<String, String> badBefore = new HashMap<>();
    // Refreshables restarted in this run, and on which changes.
    final Map<String, List<String>> refreshedOn = new HashMap<>();
    final List<String> rollbackErrors = new ArrayList<>();
    String firstError;

    State(Plan plan, boolean apply) {
      this.plan = plan;
      this.apply = apply;
    }

    boolean baselined;

    void baselines() throws InterruptedException {
      baselined = true;
      for (Resource r : plan.resources()) {
        if (r instanceof Refreshable s && plan.subscriptions().containsKey(r.id())) {
          Attempt a = invoke(r.id(), s::baseline);
          if (a.report().failed()) {
            badBefore.put(r.id(), a.report().error());
          }
        }
      }
    }

    void notifications() throws InterruptedException {
      for (Resource r : plan.resources()) {
        List<String> triggeredBy = triggers(r);
        if (triggeredBy.isEmpty()) {
          continue;
        }
        Refreshable target = (Refreshable) r;
        Attempt a = invoke(r.id(), () -> target.refresh(apply));
        ResourceReport rep = a.report().withDetail("notified by " + String.join(", ", triggeredBy));
        notes.add(rep);
        listener.resourceFinished(rep, true);
        if (!rep.failed()) {
          refreshedOn.put(r.id(), triggeredBy);
          continue;
        }
        String why = apply ? rollback(target, triggeredBy, a) : null;
        if (why == null && firstError == null) {
          firstError = r.id() + ": " + rep.error();
        }
      }
    }

    /** Sources of {@code r} changed in this run and not undone since. */
    List<String> triggers(Resource r) {
      Set<String> sources = plan.subscriptions().getOrDefault(r.id(), Set.of());
      List<String> out = new ArrayList<>();
      for (String id : changed) {
        if (sources.contains(id) && !rolledBack.contains(id)) {
          out.add(id);
        }
      }
      return out;
    }

    /**
     * Decides and performs the rollback for a failed restart of {@code service}; returns the
     * run-level message, or null when nothing was rolled back.
     */
    String rollback(Refreshable service, List<String> triggeredBy, Attempt failed)
        throws InterruptedException {
      String headline = failed.headline(service.id());
      String detail = failed.detail();
      List<Reversible> undoable = new ArrayList<>();
      List<String> changes = new ArrayList<>();
      List<String> previous = new ArrayList<>();
      for (String id : triggeredBy) {
        if (find(id) instanceof Reversible rev) {
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
              ? "changes to " + String.join(", ", triggeredBy)
              : String.join(" and ", changes);
      String reason = headline + " after " + after + (detail.isEmpty() ? "" : " (" + detail + ")");
      String before = badBefore.get(service.id());
      if (before != null) {
        return notRolledBack(reason + "; not rolled back: before this run, " + before);
      }
      if (undoable.isEmpty()) {
        return notRolledBack(
            reason + "; not rolled back: no previous state known (first install or new file)");
      }
      List<String> failures = new ArrayList<>();
      for (Reversible rev : undoable) {
        Attempt a = invoke(rev.id(), () -> rev.rollback(reason));
        ResourceReport was = findReport(rev.id());
        ResourceReport rep;
        if (a.report().failed()) {
          failures.add("rolling back " + rev.id() + " failed: " + a.report().error());
          rep =
              new ResourceReport(
                  rev.id(),
                  ROLLBACK_FAILED,
                  was.before(),
                  was.after(),
                  "changed to "
                      + was.after()
                      + (was.detail().isEmpty() ? "" : " (" + was.detail() + ")")
                      + "; rollback failed",
                  a.report().error(),
                  was.durationMs() + a.report().durationMs());
        } else {
          rolledBack.add(rev.id());
          rep =
              new ResourceReport(
                  rev.id(),
                  ROLLED_BACK,
                  was.before(),
                  a.report().after(),
                  "changed to "
                      + was.after()
                      + (was.detail().isEmpty() ? "" : " (" + was.detail() + ")")
                      + "; rolled back: "
                      + a.report().detail(),
                  "",
                  was.durationMs() + a.report().durationMs());
        }
        reports.set(reports.indexOf(was), rep);
        listener.resourceFinished(rep, false);
      }
      // The failed service, then those already restarted onto what was just undone.
      List<Resource> again = new ArrayList<>();
      for (Resource r : plan.resources()) {
        List<String> on = refreshedOn.getOrDefault(r.id(), List.of());
        if (r == service || on.stream().anyMatch(rolledBack::contains)) {
          again.add(r);
        }
      }
      for (Resource r : again) {
        Refreshable s = (Refreshable) r;
        Attempt a = invoke(r.id(), () -> s.refresh(true));
        ResourceReport rep = a.report().withDetail("after rollback");
        if (rep.failed()) {
          failures.add(r.id() + " still fails after the rollback: " + rep.error());
          rep =
              new ResourceReport(
                  rep.id(),
                  ROLLBACK_FAILED,
                  rep.before(),
                  rep.after(),
                  rep.detail(),
                  rep.error(),
                  rep.durationMs());
        }
        notes.add(rep);
        listener.resourceFinished(rep, true);
      }
      String message =
          failures.isEmpty()
              ? reason + "; rolled back to " + String.join(" and ", previous)
              : "ROLLBACK FAILED: " + reason + "; " + String.join("; ", failures);
      rollbackErrors.add(message);
      return message;
    }

    String notRolledBack(String message) {
      rollbackErrors.add(message);
      return message;
    }

    Resource find(String id) {
      return plan.resources().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    ResourceReport findReport(String id) {
      return reports.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    /** The run's error: what rollback decided first (it says the most), then the first failure. */
    String error() {
      List<String> all = new ArrayList<>(rollbackErrors);
      if (firstError != null) {
        all.add(firstError);
      }
      return all.isEmpty() ? null : String.join(" | ", all);
    }
  }

  /** A resource step; may throw like checkApply. */
  private interface Step extends Callable<Result> {
    @Override
    Result call() throws ResourceException, InterruptedException;
  }

  // The steps of every run are classes, not lambdas: the first call of each lambda links it
  // through the JDK's method handles, ~0.4 ms apiece in a short-lived `converge --now`, which
  // runs this code once.
  /** {@link Resource#checkApply} as a step. */
  private static final class CheckApply implements Step {
    private final Resource resource;
    private final boolean apply;

    CheckApply(Resource resource, boolean apply) {
      this.resource = resource;
      this.apply = apply;
    }

    @Override
    public Result call() throws ResourceException, InterruptedException {
      return resource.checkApply(apply);
    }
  }

  /** A step's report, and the exception when it failed with one (for its headline and detail). */
  private record Attempt(ResourceReport report, ResourceException failure) {
    String headline(String id) {
      return failure != null ? oneLine(failure.headline()) : id + ": " + report.error();
    }

    String detail() {
      return failure != null ? oneLine(failure.detail()) : "";
    }
  }

  // Each step runs in its own thread so a step that hangs past its timeout is abandoned (and
  // interrupted), not waited on forever; the exec layer's own timeouts kill stuck processes.
  private Attempt invoke(String id, Step step) throws InterruptedException {
    long t0 = System.nanoTime();
    FutureTask<Result> task = new FutureTask<>(step);
    Thread worker = new Thread(task, "resource " + id);
    worker.setDaemon(true);
    worker.start();
    try {
      Result r = task.get(resourceTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Attempt(
          new ResourceReport(
              id,
              r.outcome().name().toLowerCase(Locale.ROOT),
              r.before(),
              r.after(),
              r.detail(),
              "",
              millisSince(t0)),
          null);
    } catch (TimeoutException e) {
      task.cancel(true);
      return new Attempt(
          new ResourceReport(
              id,
              "timed_out",
              "",
              "",
              "",
              "did not finish within " + resourceTimeout.toSeconds() + "s (resource_timeout)",
              millisSince(t0)),
          null);
    } catch (InterruptedException e) {
      task.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String message =
          cause instanceof ResourceException
              ? cause.getMessage()
              : "internal error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
      return new Attempt(
          new ResourceReport(id, "failed", "", "", "", oneLine(message), millisSince(t0)),
          cause instanceof ResourceException re ? re : null);
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " | ").strip();
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** Convenience for plans without notifications. */
  public static Plan plan(List<Resource> resources) {
    return new Plan(resources, Map.of());
  }
}
