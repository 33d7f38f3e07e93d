package org.warehouse.agent.rollout;

import java.util.TreeSet;

/**
 * The hosts waiting for a slot, ordered by their beat's phase in the poll: finds the next one to
 * ask after an instant, and counts the asks a host made while it waited (one a poll, each answered
 * wait) without simulating them one by one.
 */
final class WaitingHosts {
  // A key: phase * SPREAD + host, so hosts with one phase stay apart.
  private static final long SPREAD = 1_000_000;

  private final long poll;
  private final long[] phase;
  private final long[] since;
  private final TreeSet<Long> byPhase = new TreeSet<>();

  WaitingHosts(long poll, long[] phase) {
    if (phase.length >= SPREAD) {
      throw new IllegalArgumentException("at most " + (SPREAD - 1) + " hosts");
    }
    this.poll = poll;
    this.phase = phase;
    this.since = new long[phase.length];
  }

  void add(int h, long now) {
    since[h] = now;
    byPhase.add(phase[h] * SPREAD + h);
  }

  /** Stops {@code h} waiting at {@code now}; logs its asks in between as waits. */
  void remove(int h, long now, TxLog log) {
    byPhase.remove(phase[h] * SPREAD + h);
    long first = phase[h] + (Math.floorDiv(since[h] - phase[h], poll) + 1) * poll;
    log.waits(first, poll, now);
  }

  /** The host's beat phase in the poll, in ms. */
  long phase(int h) {
    return phase[h];
  }

  boolean isEmpty() {
    return byPhase.isEmpty();
  }

  /** The waiting host whose beat comes first at or after {@code now}, as {host, when}. */
  long[] next(long now) {
    long r = Math.floorMod(now, poll);
    Long key = byPhase.ceiling(r * SPREAD);
    long base = now - r;
    if (key == null) {
      key = byPhase.first();
      base += poll;
    }
    int h = (int) (key % SPREAD);
    return new long[] {h, base + phase[h]};
  }
}
