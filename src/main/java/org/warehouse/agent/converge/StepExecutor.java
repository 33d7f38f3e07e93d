package org.warehouse.agent.converge;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.Result;

/**
 * Runs one resource step in a thread of its own and reports it; a step that hangs past the timeout
 * is abandoned (and interrupted), not waited on forever. The exec layer's own timeouts kill stuck
 * processes.
 */
final class StepExecutor {
  /** A resource step; may throw like checkApply. */
  interface Step extends Callable<Result> {
    @Override
    Result call() throws ResourceException, InterruptedException;
  }

  /** {@link Resource#checkApply} as a step (a class: this step runs on every no-op run). */
  static final class CheckApply implements Step {
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
  record Attempt(ResourceReport report, ResourceException failure) {
    String headline(ResourceId id) {
      return failure != null ? oneLine(failure.headline()) : id + ": " + report.error();
    }

    String detail() {
      return failure != null ? oneLine(failure.detail()) : "";
    }
  }

  private final Duration timeout;

  StepExecutor(Duration timeout) {
    this.timeout = timeout;
  }

  Attempt run(ResourceId id, Step step) throws InterruptedException {
    long t0 = System.nanoTime();
    FutureTask<Result> task = new FutureTask<>(step);
    Thread worker = new Thread(task, "resource " + id);
    worker.setDaemon(true);
    worker.start();
    try {
      Result r = task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Attempt(
          new ResourceReport(
              id,
              ResourceStatus.of(r.outcome()),
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
              ResourceStatus.TIMED_OUT,
              "",
              "",
              "",
              "did not finish within " + timeout.toSeconds() + "s (resource_timeout)",
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
          new ResourceReport(
              id, ResourceStatus.FAILED, "", "", "", oneLine(message), millisSince(t0)),
          cause instanceof ResourceException re ? re : null);
    }
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " | ").strip();
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
