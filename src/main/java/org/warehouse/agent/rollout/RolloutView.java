package org.warehouse.agent.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A rollout as `agent rollout status` shows it: its row, its hosts, its recent events. */
public record RolloutView(
    RolloutKey key,
    RolloutState state,
    int failures,
    int haltAfter,
    int maxParallel,
    int canaryCount,
    List<String> canaryHosts,
    String haltedReason,
    Instant created,
    List<HostView> hosts,
    List<String> waiting,
    List<EventView> events) {

  public RolloutView {
    canaryHosts = List.copyOf(canaryHosts);
    hosts = List.copyOf(hosts);
    waiting = List.copyOf(waiting);
    events = List.copyOf(events);
  }

  /** Hosts in {@code state}. */
  public long count(HostState state) {
    return hosts.stream().filter(h -> h.state() == state).count();
  }

  /** One host's row. */
  public record HostView(
      String host,
      boolean canary,
      HostState state,
      long epoch,
      Instant leaseUntil,
      Optional<Instant> healthySince,
      String reason) {}

  /** One step of the rollout. */
  public record EventView(Instant at, Optional<String> host, String kind, String detail) {}
}
