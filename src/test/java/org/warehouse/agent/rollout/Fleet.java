package org.warehouse.agent.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.warehouse.agent.config.Settings;

/**
 * The scale test's in-process hosts: each its own gate on its own PgConnections (its own
 * connection), all stepped by two bounded pools so that 1,000 hosts cost a few threads.
 */
final class Fleet implements AutoCloseable {
  private final List<SimHost> hosts = new ArrayList<>();
  private final List<PgConnections> connections = new ArrayList<>();
  private final ScheduledThreadPoolExecutor asks;
  private final ScheduledThreadPoolExecutor holds;

  Fleet(
      int size,
      Settings.RolloutDatabase db,
      String password,
      String group,
      RolloutRules rules,
      SimHost.Pace pace,
      int threads) {
    asks = new ScheduledThreadPoolExecutor(threads);
    // max_parallel holders, and a few more that are letting go or were just granted.
    holds = new ScheduledThreadPoolExecutor(rules.maxParallel() + 4);
    for (int i = 0; i < size; i++) {
      PgConnections c = new PgConnections(db, () -> Optional.of(password));
      connections.add(c);
      HostId id = new HostId(String.format("h%04d", i));
      RolloutGate gate = new RolloutGate(id, group, rules, new RolloutStore(c), new LeaseStore(c));
      hosts.add(new SimHost(id.name(), gate, asks, holds, pace));
    }
  }

  List<SimHost> hosts() {
    return hosts;
  }

  /**
   * Opens every host's connection (and so runs each client's schema check, as 1,000 agents starting
   * would), {@code parallel} at a time.
   */
  void connect(String group, int parallel) throws Exception {
    List<Callable<Object>> work = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      LeaseStore leases = new LeaseStore(connections.get(i));
      HostId id = hosts.get(i).gate().host();
      work.add(() -> leases.held(id, group));
    }
    var starting =
        new java.util.concurrent.ThreadPoolExecutor(
            parallel,
            parallel,
            1,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>());
    try {
      for (Future<Object> f : starting.invokeAll(work)) {
        f.get();
      }
    } finally {
      starting.shutdownNow();
    }
  }

  /** Hosts [from, to) see {@code r}. */
  void start(SimHost.Release r, int from, int to) {
    for (SimHost h : hosts.subList(from, to)) {
      h.start(r);
    }
  }

  void stopAll() {
    hosts.forEach(SimHost::stop);
  }

  /** Database errors the hosts' gates have seen so far. */
  long databaseErrors() {
    long n = 0;
    for (SimHost h : hosts) {
      n += h.gate().health().databaseErrors();
    }
    return n;
  }

  @Override
  public void close() {
    stopAll();
    asks.shutdownNow();
    holds.shutdownNow();
    connections.forEach(PgConnections::close);
  }
}
