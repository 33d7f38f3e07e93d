package org.warehouse.agent.rollout;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.TransactionGate;

/**
 * One simulated host of the scale test: the agent's own RolloutGate and RolloutTicker on its own
 * connection, driven as the daemon drives them. It asks; while told to wait its ticker asks again
 * every poll; when granted it "installs" (a short sleep), confirms its slot before "restarting",
 * then reports healthy and finishes after min_healthy_time, or, for a bad release, rolls back.
 * Steps run one after another on a shared pool; none sleeps on a thread.
 */
final class SimHost {
  /** What the fleet is asked to install; a bad release fails its restart on every host. */
  record Release(RolloutKey key, boolean bad, ReleaseLog log) {}

  /** The host's pace: poll while waiting, install time, min_healthy_time. */
  record Pace(long pollMs, long installMs, long minHealthyMs) {}

  private final String name;
  private final RolloutGate gate;
  private final RolloutTicker ticker;
  private final ScheduledExecutorService asks;
  private final ScheduledExecutorService holds;
  private final Pace pace;
  private volatile Release release;
  private volatile int generation;

  /**
   * Waiting hosts' asks run on {@code asks}; a holder's steps on {@code holds}, so that they never
   * queue behind a thousand asks (on a real fleet every host has a machine of its own).
   */
  SimHost(
      String name,
      RolloutGate gate,
      ScheduledExecutorService asks,
      ScheduledExecutorService holds,
      Pace pace) {
    this.name = name;
    this.gate = gate;
    this.ticker = new RolloutTicker(gate);
    this.asks = asks;
    this.holds = holds;
    this.pace = pace;
  }

  String name() {
    return name;
  }

  RolloutGate gate() {
    return gate;
  }

  /** Sees {@code r} (a converge finds it) at a random moment within the next poll. */
  synchronized void start(Release r) {
    release = r;
    int g = ++generation;
    later(
        asks,
        g,
        ThreadLocalRandom.current().nextLong(pace.pollMs()),
        () -> converge(g, System.nanoTime()));
  }

  /** Stops whatever the host was doing (its next step is dropped). */
  synchronized void stop() {
    generation++;
  }

  private void later(ScheduledExecutorService pool, int g, long ms, Runnable step) {
    var unused =
        pool.schedule(
            () -> {
              if (g != generation) {
                return;
              }
              try {
                step.run();
              } catch (RuntimeException e) {
                release.log().crashed(name, e);
              }
            },
            ms,
            TimeUnit.MILLISECONDS);
  }

  /** A converge reaches the package: the gate admits, says wait, or says halted. */
  private void converge(int g, long askedAt) {
    Release r = release;
    r.log().asks.incrementAndGet();
    TransactionGate.Admission a;
    try {
      a = gate.admit(r.key().pkg(), r.key().version());
    } catch (ResourceException e) {
      // Fail closed: nothing installs; the next converge asks again.
      later(asks, g, pace.pollMs(), () -> converge(g, System.nanoTime()));
      return;
    }
    switch (a.verdict()) {
      case ADMITTED -> {
        r.log().admitted(name, askedAt);
        later(holds, g, pace.installMs(), () -> restart(g));
      }
      case WAITING -> {
        r.log().notHalted(name, askedAt);
        later(asks, g, pace.pollMs(), () -> waitTick(g));
      }
      case HALTED -> r.log().haltSeen(name);
    }
  }

  /** The daemon's beat while this host waits: the ticker asks again. */
  private void waitTick(int g) {
    Release r = release;
    long askedAt = System.nanoTime();
    r.log().asks.incrementAndGet();
    if (ticker.tick(false)) {
      converge(g, askedAt);
      return;
    }
    if (gate.slot().isEmpty() && gate.waitingFor().isEmpty()) {
      r.log().haltSeen(name);
      return;
    }
    r.log().notHalted(name, askedAt);
    later(asks, g, pace.pollMs(), () -> waitTick(g));
  }

  /** Installed: confirm the slot, then restart onto the release (or not, when it was lost). */
  private void restart(int g) {
    Release r = release;
    long askedAt = System.nanoTime();
    try {
      gate.confirm();
    } catch (ResourceException e) {
      r.log().refusedRestarts.incrementAndGet();
      gate.rolledBack(r.key().pkg(), r.key().version(), "not restarted: " + e.getMessage());
      later(asks, g, pace.pollMs(), () -> converge(g, System.nanoTime()));
      return;
    }
    long epoch = gate.slot().map(Slot::epoch).orElse(-1L);
    r.log().restarted(name, epoch, askedAt);
    if (r.bad()) {
      r.log().acting.remove(name);
      gate.rolledBack(r.key().pkg(), r.key().version(), "crashed at start");
      r.log().failedAt.add(System.nanoTime());
      return;
    }
    gate.runFinished(report(r));
    later(holds, g, pace.minHealthyMs(), () -> finish(g));
  }

  /** After min_healthy_time: the ticker finishes the slot (or renews it until it can). */
  private void finish(int g) {
    Release r = release;
    long lostBefore = gate.health().lostSlots();
    // Not acting while it lets go: the sampler must not see a released slot as held.
    Long epoch = r.log().acting.remove(name);
    boolean convergeAgain = ticker.tick(false);
    if (gate.slot().isEmpty()) {
      if (gate.health().lostSlots() == lostBefore) {
        r.log().done(name);
      } else {
        r.log().lost.add(name);
      }
      return;
    }
    if (convergeAgain) {
      converge(g, System.nanoTime());
      return;
    }
    if (epoch != null) {
      r.log().acting.put(name, epoch);
    }
    later(holds, g, 100, () -> finish(g));
  }

  private RunReport report(Release r) {
    ResourceReport pkg =
        new ResourceReport(
            ResourceId.ofPackage(r.key().pkg()),
            ResourceStatus.CHANGED,
            "1",
            r.key().version(),
            "",
            "",
            1);
    Instant now = Instant.now();
    return new RunReport(
        name, Trigger.MANUAL, false, now, now, 1, RunResult.CHANGED, List.of(pkg), List.of(), "");
  }
}
