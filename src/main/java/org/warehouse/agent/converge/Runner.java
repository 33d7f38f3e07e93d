package org.warehouse.agent.converge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.Result;

/**
 * Owns the policy of a run: order, a timeout per resource, failures, and delayed notifications.
 *
 * <p>As in Chef, the first failure stops the remaining resources (they are reported skipped), but
 * restarts already queued by earlier changes still run, once each, after everything else: a package
 * that was upgraded must not be left running its old code because a later step failed.
 */
public final class Runner {
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
    String runId = UUID.randomUUID().toString();
    Instant start = clock.instant();
    listener.runStarted(runId, trigger, !apply);
    List<ResourceReport> reports = new ArrayList<>();
    Set<String> changed = new LinkedHashSet<>();
    String firstError = null;
    String skipReason = "an earlier resource failed";
    for (Resource r : plan.resources()) {
      if (firstError == null && stop.reason().isPresent()) {
        firstError = "stopped before " + r.id() + ": " + stop.reason().get();
        skipReason = "the run was stopped: " + stop.reason().get();
      }
      if (firstError != null) {
        ResourceReport skipped = new ResourceReport(r.id(), "skipped", "", "", skipReason, "", 0);
        reports.add(skipped);
        listener.resourceFinished(skipped, false);
        continue;
      }
      ResourceReport rep = invoke(r.id(), () -> r.checkApply(apply));
      reports.add(rep);
      listener.resourceFinished(rep, false);
      if (rep.failed()) {
        firstError = r.id() + ": " + rep.error();
      } else if (rep.changed()) {
        changed.add(r.id());
      }
    }
    List<ResourceReport> notifications = new ArrayList<>();
    for (Resource r : plan.resources()) {
      Set<String> sources = plan.subscriptions().getOrDefault(r.id(), Set.of());
      List<String> triggeredBy = sources.stream().filter(changed::contains).toList();
      if (triggeredBy.isEmpty()) {
        continue;
      }
      Refreshable target = (Refreshable) r;
      ResourceReport rep = invoke(r.id(), () -> target.refresh(apply));
      rep =
          new ResourceReport(
              rep.id(),
              rep.status(),
              rep.before(),
              rep.after(),
              join("notified by " + String.join(", ", triggeredBy), rep.detail()),
              rep.error(),
              rep.durationMs());
      notifications.add(rep);
      listener.resourceFinished(rep, true);
      if (rep.failed() && firstError == null) {
        firstError = r.id() + ": " + rep.error();
      }
    }
    Instant end = clock.instant();
    boolean anyChange =
        reports.stream().anyMatch(ResourceReport::changed)
            || notifications.stream().anyMatch(ResourceReport::changed);
    RunResult result =
        firstError != null ? RunResult.FAILED : anyChange ? RunResult.CHANGED : RunResult.UNCHANGED;
    RunReport report =
        new RunReport(
            runId,
            trigger.label(),
            !apply,
            start,
            end,
            Duration.between(start, end).toMillis(),
            result.label(),
            reports,
            notifications,
            firstError == null ? "" : firstError);
    listener.runFinished(report);
    return report;
  }

  private static String join(String a, String b) {
    return b.isEmpty() ? a : a + "; " + b;
  }

  /** A resource step; may throw like checkApply. */
  private interface Step {
    Result call() throws ResourceException, InterruptedException;
  }

  // Each step runs in its own thread so a step that hangs past its timeout is abandoned (and
  // interrupted), not waited on forever; the exec layer's own timeouts kill stuck processes.
  private ResourceReport invoke(String id, Step step) throws InterruptedException {
    long t0 = System.nanoTime();
    FutureTask<Result> task = new FutureTask<>(step::call);
    Thread worker = new Thread(task, "resource " + id);
    worker.setDaemon(true);
    worker.start();
    try {
      Result r = task.get(resourceTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return new ResourceReport(
          id,
          r.outcome().name().toLowerCase(java.util.Locale.ROOT),
          r.before(),
          r.after(),
          r.detail(),
          "",
          millisSince(t0));
    } catch (TimeoutException e) {
      task.cancel(true);
      return new ResourceReport(
          id,
          "timed_out",
          "",
          "",
          "",
          "did not finish within " + resourceTimeout.toSeconds() + "s (resource_timeout)",
          millisSince(t0));
    } catch (InterruptedException e) {
      task.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String message =
          cause instanceof ResourceException
              ? cause.getMessage()
              : "internal error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
      return new ResourceReport(id, "failed", "", "", "", oneLine(message), millisSince(t0));
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
