package org.warehouse.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Notices the wall clock being set back, by comparing how far it moved with how far the monotonic
 * clock moved since the last look. Quartz keeps its slots on the wall clock: after a jump back of
 * an hour its next slot is an hour and more away, and nothing would converge until then.
 */
final class ClockWatch {
  private final Clock wall;
  private final LongSupplier monotonicNanos;
  private final Duration tolerance;
  private long lastWallMillis;
  private long lastMonotonicNanos;

  /**
   * @param tolerance smaller differences are ignored (NTP slews by milliseconds, not seconds)
   */
  ClockWatch(Clock wall, LongSupplier monotonicNanos, Duration tolerance) {
    this.wall = wall;
    this.monotonicNanos = monotonicNanos;
    this.tolerance = tolerance;
    this.lastWallMillis = wall.millis();
    this.lastMonotonicNanos = monotonicNanos.getAsLong();
  }

  /** How far the wall clock went back since the last call, if more than the tolerance. */
  synchronized Optional<Duration> wentBack() {
    long wallNow = wall.millis();
    long monoNow = monotonicNanos.getAsLong();
    long drift = (wallNow - lastWallMillis) - (monoNow - lastMonotonicNanos) / 1_000_000;
    lastWallMillis = wallNow;
    lastMonotonicNanos = monoNow;
    return -drift > tolerance.toMillis()
        ? Optional.of(Duration.ofMillis(-drift))
        : Optional.empty();
  }
}
