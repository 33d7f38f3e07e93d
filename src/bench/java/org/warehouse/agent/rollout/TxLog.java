package org.warehouse.agent.rollout;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The database transactions a simulated rollout made: per kind, how many took the rollout's row
 * lock, and per simulated minute.
 */
final class TxLog {
  /** What a transaction was for. */
  enum Kind {
    /** A host asked and was told to wait (a plain read and the waiter row). */
    WAIT,
    /** A host asked and was told the rollout is halted (a plain read). */
    HALTED,
    /** A grant, re-grant or first ask: the plain read, then the locked admission. */
    ADMIT,
    /** A holder renewed its lease (confirm before a restart, or the beat). */
    RENEW,
    /** A holder reported healthy. */
    HEALTHY,
    /** A healthy holder's beat: released once healthy for min_healthy_time, else renewed. */
    COMPLETE,
    /** A holder reported its rollback. */
    FAILURE
  }

  private static final long MINUTE = 60_000;

  // Unboxed counters: a long rollout logs tens of millions of waits.
  private final Map<Kind, long[]> counts = new EnumMap<>(Kind.class);
  private long locked;
  private long[] perMinute = new long[64];

  void tx(Kind kind, long at, boolean takesRowLock) {
    counts.computeIfAbsent(kind, k -> new long[1])[0]++;
    if (takesRowLock) {
      locked++;
    }
    int minute = (int) (at / MINUTE);
    grow(minute);
    perMinute[minute]++;
  }

  /** One wait every {@code poll} ms from {@code first} until before {@code end}. */
  void waits(long first, long poll, long end) {
    if (first >= end) {
      return;
    }
    long n = (end - 1 - first) / poll + 1;
    counts.computeIfAbsent(Kind.WAIT, k -> new long[1])[0] += n;
    grow((int) ((end - 1) / MINUTE));
    for (long t = first; t < end; t += poll) {
      perMinute[(int) (t / MINUTE)]++;
    }
  }

  private void grow(int minute) {
    if (minute >= perMinute.length) {
      perMinute = Arrays.copyOf(perMinute, Math.max(minute + 1, perMinute.length * 2));
    }
  }

  long count(Kind kind) {
    long[] n = counts.get(kind);
    return n == null ? 0 : n[0];
  }

  long total() {
    return counts.values().stream().mapToLong(n -> n[0]).sum();
  }

  /** Transactions that took the rollout's row lock (they run one at a time per rollout). */
  long locked() {
    return locked;
  }

  /** The busiest simulated minute's transactions per second. */
  double peakPerSecond() {
    return Arrays.stream(perMinute).max().orElse(0) / 60.0;
  }
}
