package org.warehouse.agent.rollout;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.PriorityQueue;
import java.util.Random;
import org.warehouse.agent.daemon.HostSplay;

/**
 * A fleet's rollout of one release in simulated time, each host as the agent behaves: its release
 * probe (every probe_interval at its {@link HostSplay} place) sees the publish and converges at
 * once; the converge asks the gate; a waiting host asks again on its beat, every poll; a holder
 * renews before its restart, reports healthy or its rollback, and on each beat renews or finishes.
 * The rollout's rows follow {@link RolloutTablesModel}. Between two changes of the rows every
 * waiting host gets the same answer, so waits are counted, not simulated one by one.
 */
final class FleetRolloutSimulation {
  private static final int PROBE = 0;
  private static final int CONFIRM = 1;
  private static final int HEALTHY = 2;
  private static final int ROLLED_BACK = 3;
  private static final int BEAT = 4;
  private static final int ASK = 5;

  private record Event(long at, long seq, int kind, int host, long tag)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  private final FleetParams p;
  private final TxLog log = new TxLog();
  private final RolloutTablesModel db;
  private final FleetHost[] hosts;
  private final WaitingHosts waiting;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long seq;
  private long askVersion;
  private long[] pendingAsk = {-1, -1};
  private int holding;
  private int maxHolding;
  private int installed;
  private int restarted;
  private long lastReleased = -1;
  private long firstOther = -1;
  private long now;

  FleetRolloutSimulation(FleetParams p, RolloutTablesModel.Rule rule) {
    this.p = p;
    Random random = new Random(p.seed());
    HexFormat hex = HexFormat.of();
    long poll = p.poll().toMillis();
    HostId[] ids = new HostId[p.hosts()];
    hosts = new FleetHost[p.hosts()];
    long[] phase = new long[p.hosts()];
    for (int h = 0; h < p.hosts(); h++) {
      ids[h] = new HostId("host-" + h);
      byte[] machineId = new byte[16];
      random.nextBytes(machineId);
      Duration offset = HostSplay.offset(hex.formatHex(machineId), p.probeInterval());
      // The daemon's beat runs every poll from its start: any phase.
      phase[h] = (long) (random.nextDouble() * poll);
      hosts[h] = new FleetHost(0.8 + 0.4 * random.nextDouble());
      // The first probe strictly after the publish (at 0) sees it.
      push(offset.isZero() ? p.probeInterval().toMillis() : offset.toMillis(), PROBE, h, 0);
    }
    db = new RolloutTablesModel(p.rules(), rule, log, ids);
    waiting = new WaitingHosts(poll, phase);
  }

  static FleetResult run(FleetParams p) {
    return new FleetRolloutSimulation(p, AdmissionRule::decide).run();
  }

  FleetResult run() {
    Event e;
    while ((e = queue.poll()) != null) {
      now = e.at();
      handle(e);
      scheduleAsk();
    }
    long[] healthyAt =
        Arrays.stream(hosts).mapToLong(FleetHost::healthyAt).filter(t -> t >= 0).sorted().toArray();
    return new FleetResult(
        p,
        healthyAt.length,
        quantile(healthyAt, 0.5),
        quantile(healthyAt, 0.99),
        quantile(healthyAt, 1),
        installed,
        restarted,
        db.haltedAt(),
        db.promoted(),
        db.promotedAt(),
        firstOther,
        db.state(),
        maxHolding,
        lastReleased,
        now,
        log);
  }

  private void handle(Event e) {
    int h = e.host();
    FleetHost host = hosts[h];
    switch (e.kind()) {
      case PROBE -> converge(h);
      case CONFIRM -> confirm(h, host);
      case HEALTHY -> {
        host.running = false;
        host.healthyAt = now;
        if (host.slot != null && !host.lost) {
          host.healthyReported = db.reportHealthy(host.slot, now);
          if (!host.healthyReported) {
            drop(h);
          }
        }
      }
      case ROLLED_BACK -> {
        host.running = false;
        if (host.slot != null && !host.lost) {
          db.reportFailure(host.slot, now);
        }
        drop(h);
      }
      case BEAT -> beat(h, host);
      case ASK -> {
        if (e.tag() == askVersion) {
          waiting.remove(h, now, log);
          Decision d = db.admit(h, now);
          if (d instanceof Decision.Granted g) {
            // The beat was granted a slot: it starts a converge at once, which asks again.
            take(h, g.slot());
            converge(h);
          } else if (d instanceof Decision.Waiting) {
            waiting.add(h, now);
          }
        }
      }
      default -> throw new IllegalStateException("event " + e);
    }
  }

  /** A converge: the package resource asks the gate before its transaction. */
  private void converge(int h) {
    FleetHost host = hosts[h];
    Decision d = db.admit(h, now);
    if (d instanceof Decision.Granted g) {
      take(h, g.slot());
      host.running = true;
      host.lost = false;
      long installMs = (long) (1000 * host.jitter * (p.changeSeconds() - p.restartSeconds()));
      push(now + installMs, CONFIRM, h, 0);
    } else if (d instanceof Decision.Waiting) {
      waiting.add(h, now);
    }
  }

  /** Before its restart the holder renews with its epoch; a lost slot restarts nothing. */
  private void confirm(int h, FleetHost host) {
    if (host.slot == null) {
      return;
    }
    if (!db.renew(host.slot, now)) {
      host.lost = true;
      host.running = false;
      return;
    }
    restarted++;
    long restartMs = (long) (1000 * host.jitter * p.restartSeconds());
    long rollbackMs = (long) (1000 * host.jitter * (p.changeSeconds() - p.restartSeconds()));
    switch (p.release()) {
      case GOOD -> push(now + restartMs, HEALTHY, h, 0);
      case CRASHES -> push(now + restartMs + rollbackMs, ROLLED_BACK, h, 0);
      case UNHEALTHY -> push(now + p.healthTimeout().toMillis() + rollbackMs, ROLLED_BACK, h, 0);
    }
  }

  /** RolloutTicker.tick for a holder: finish once healthy long enough, else renew. */
  private void beat(int h, FleetHost host) {
    host.beating = false;
    if (host.slot == null) {
      return;
    }
    if (host.healthyReported) {
      LeaseStore.Completion c = db.complete(host.slot, now);
      if (c == LeaseStore.Completion.DONE) {
        lastReleased = now;
      }
      if (c != LeaseStore.Completion.NOT_YET) {
        drop(h);
        return;
      }
    } else if (!db.renew(host.slot, now)) {
      drop(h);
      return;
    } else if (!host.running) {
      converge(h);
    }
    nextBeat(h);
  }

  private void take(int h, Slot slot) {
    FleetHost host = hosts[h];
    if (host.slot == null) {
      installed += host.everInstalled ? 0 : 1;
      host.everInstalled = true;
      holding++;
      maxHolding = Math.max(maxHolding, holding);
      if (!slot.canary() && firstOther < 0) {
        firstOther = now;
      }
    }
    host.slot = slot;
    host.healthyReported = false;
    if (!host.beating) {
      nextBeat(h);
    }
  }

  private void drop(int h) {
    if (hosts[h].slot != null) {
      hosts[h].slot = null;
      holding--;
    }
  }

  private void nextBeat(int h) {
    hosts[h].beating = true;
    long poll = p.poll().toMillis();
    long phase = waiting.phase(h);
    long next = now - Math.floorMod(now - phase, poll) + poll;
    push(next, BEAT, h, 0);
  }

  /**
   * After every event: when a waiting host would now be admitted (or told halted), the first of
   * them to beat asks; otherwise none of them would hear anything but wait until the rows change.
   */
  private void scheduleAsk() {
    if (waiting.isEmpty()) {
      return;
    }
    long[] next = waiting.next(now);
    int h = (int) next[0];
    if (db.peek(h, now) instanceof AdmissionRule.Wait) {
      askVersion++;
      pendingAsk = new long[] {-1, -1};
      return;
    }
    if (pendingAsk[0] == next[0] && pendingAsk[1] == next[1]) {
      return;
    }
    askVersion++;
    pendingAsk = next;
    push(next[1], ASK, h, askVersion);
  }

  private void push(long at, int kind, int h, long tag) {
    queue.add(new Event(at, seq++, kind, h, tag));
  }

  private static long quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** One host's side: the gate's slot and flags, and its own pace. */
  private static final class FleetHost {
    final double jitter;
    Slot slot;
    boolean healthyReported;
    boolean lost;
    boolean running;
    boolean beating;
    boolean everInstalled;
    long healthyAt = -1;

    FleetHost(double jitter) {
      this.jitter = jitter;
    }

    long healthyAt() {
      return healthyAt;
    }
  }
}
