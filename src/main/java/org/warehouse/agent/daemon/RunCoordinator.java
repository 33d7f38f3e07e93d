package org.warehouse.agent.daemon;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Converger;
import org.warehouse.agent.converge.LockBusyException;
import org.warehouse.agent.converge.PlanException;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.StopRequest;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.AptIndexResource;

/**
 * Runs the daemon's converges one at a time. Scheduled runs come from the scheduler's thread;
 * manual ones ({@code converge --now} over the control socket) run on their own thread, and a
 * request made while another waits to start joins it: two requests at once cause one run, right
 * after the current one, never a second converge in parallel.
 *
 * <p>Each run gets a {@link StopRequest}: run_timeout and SIGTERM stop it between resources, so an
 * apt or dpkg step in progress always finishes.
 */
final class RunCoordinator {
  private static final Logger LOG = Logger.getLogger("daemon");

  /** What a request asks for: its trigger, and whether it is a why-run. */
  private record Kind(Trigger trigger, boolean whyRun) {}

  /** A manual or rollout request not started yet, with everyone who joined it. */
  private static final class Pending {
    final List<RunListener> listeners = new ArrayList<>();
    final CompletableFuture<RunOutcome> result = new CompletableFuture<>();
  }

  /** What the daemon holds while it runs: settings of the moment, the parts of every run. */
  interface Context {
    Settings settings();

    ConvergerFactory convergers();

    RunListener listener();

    AptIndexResource.PollObserver polls();

    /**
     * Whether a scheduled converge may start now; when not ({@code agent disable}), the context
     * reports the skip itself.
     */
    boolean scheduledRunAllowed();
  }

  private final Context context;
  // Fair: a scheduled run and a manual one queue in arrival order.
  private final ReentrantLock running = new ReentrantLock(true);
  private final ExecutorService manualThread =
      Executors.newSingleThreadExecutor(daemonThreads("manual converge"));
  private final ScheduledExecutorService timeouts =
      Executors.newSingleThreadScheduledExecutor(daemonThreads("run timeout"));
  // Requests waiting to start, one per kind: a request of the same kind joins it.
  private final Map<Kind, Pending> waiting = new HashMap<>();
  private boolean stopping;
  private StopRequest current;
  private Instant runningSince;

  RunCoordinator(Context context) {
    this.context = context;
  }

  /** Runs a scheduled converge now, after the one in progress if any; skipped when stopping. */
  void runScheduled() {
    running.lock();
    try {
      if (isStopping()) {
        LOG.info("scheduled converge skipped: the agent is stopping");
        return;
      }
      if (!context.scheduledRunAllowed()) {
        return;
      }
      RunOutcome o = execute(Trigger.SCHEDULED, false, context.listener());
      // Invalid input was logged with the run's report already.
      if (o.error().isPresent() && o.error().get() != RunError.INVALID_INPUT) {
        LOG.severe("scheduled converge did not run: " + o.message());
      }
    } finally {
      running.unlock();
    }
  }

  /**
   * Asks for a manual converge: it starts now, or right after the current run; a request of the
   * same kind (why-run or not) that is still waiting to start is joined instead of queued again.
   *
   * @param listener gets the events of the run this request ends up in
   * @return the outcome, once that run is over
   */
  CompletableFuture<RunOutcome> requestManual(boolean whyRun, RunListener listener) {
    return request(new Kind(Trigger.MANUAL, whyRun), listener);
  }

  /**
   * Asks for the converge the rollout's beat wants (a slot was just granted): run as a manual one
   * is, labelled {@link Trigger#ROLLOUT} in the report, the log and the metrics.
   */
  CompletableFuture<RunOutcome> requestRollout() {
    return request(new Kind(Trigger.ROLLOUT, false), RunListener.NONE);
  }

  private synchronized CompletableFuture<RunOutcome> request(Kind kind, RunListener listener) {
    if (stopping) {
      return CompletableFuture.completedFuture(
          RunOutcome.error(RunError.STOPPING, "the agent is stopping; try again when it is up"));
    }
    Pending p = waiting.get(kind);
    if (p == null) {
      Pending created = new Pending();
      waiting.put(kind, created);
      manualThread.execute(() -> runRequested(kind, created));
      p = created;
    }
    p.listeners.add(listener);
    return p.result;
  }

  /** Whether a run is in progress, and since when. */
  synchronized Optional<Instant> runningSince() {
    return Optional.ofNullable(runningSince);
  }

  /**
   * Stops taking runs, asks the current one to stop at its next safe point, and waits up to {@code
   * bound} for it to end.
   *
   * @return true when no run is in progress any more
   */
  boolean stop(String why, Duration bound) throws InterruptedException {
    synchronized (this) {
      stopping = true;
      for (Pending p : waiting.values()) {
        p.result.complete(RunOutcome.error(RunError.STOPPING, "the agent is stopping"));
      }
      waiting.clear();
      if (current != null) {
        LOG.info("asking the converge in progress to stop after its current step (" + why + ")");
        current.request(why);
      }
    }
    boolean idle = running.tryLock(bound.toMillis(), TimeUnit.MILLISECONDS);
    if (idle) {
      running.unlock();
    }
    manualThread.shutdown();
    timeouts.shutdownNow();
    return idle;
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  private void runRequested(Kind kind, Pending p) {
    running.lock();
    try {
      List<RunListener> listeners;
      synchronized (this) {
        waiting.remove(kind, p);
        if (stopping) {
          p.result.complete(RunOutcome.error(RunError.STOPPING, "the agent is stopping"));
          return;
        }
        listeners = new ArrayList<>(p.listeners);
      }
      listeners.add(0, context.listener());
      p.result.complete(execute(kind.trigger(), kind.whyRun(), new FanOutListener(listeners)));
    } catch (RuntimeException e) {
      p.result.complete(RunOutcome.error(RunError.FAILED, "internal error: " + e));
      throw e;
    } finally {
      running.unlock();
    }
  }

  // Called with `running` held.
  private RunOutcome execute(Trigger trigger, boolean whyRun, RunListener listener) {
    Settings settings = context.settings();
    StopRequest stop = new StopRequest();
    synchronized (this) {
      current = stop;
      runningSince = Instant.now();
    }
    Duration limit = settings.runTimeout();
    ScheduledFuture<?> watchdog =
        timeouts.schedule(
            () -> {
              LOG.warning(
                  "converge still running after "
                      + words(limit)
                      + " (run_timeout): stopping it after the current step");
              stop.request("run_timeout (" + words(limit) + ") exceeded");
            },
            limit.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      Converger converger = context.convergers().create(settings, listener, context.polls());
      RunReport report = converger.converge(trigger, whyRun, stop);
      return RunOutcome.of(report);
    } catch (LockBusyException e) {
      return RunOutcome.error(RunError.LOCK_BUSY, e.getMessage());
    } catch (PlanException e) {
      return RunOutcome.error(RunError.INVALID_INPUT, e.getMessage());
    } catch (IOException e) {
      return RunOutcome.error(RunError.FAILED, "cannot record the run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RunOutcome.error(RunError.FAILED, "interrupted");
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "converge failed with an internal error", e);
      return RunOutcome.error(RunError.FAILED, "internal error: " + e);
    } finally {
      watchdog.cancel(false);
      synchronized (this) {
        current = null;
        runningSince = null;
      }
      // A converge allocates a few MB (apt output, reports, YAML), then the daemon idles for an
      // interval. One full collection of the small heap (milliseconds with Serial GC) lets the JVM
      // give the heap back down to MaxHeapFreeRatio, so the idle RSS stays where it started.
      System.gc();
    }
  }

  static String words(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
