package org.warehouse.agent.daemon;

import java.time.Duration;
import java.time.Instant;

/**
 * When scheduled converges happen: one soon after start ({@code first_run_delay}), then on the
 * host's slots (the first at least half an interval after that run), the instants that are {@code
 * offset} past a multiple of {@code interval} since the epoch. Slots are fixed on the wall clock,
 * so a restarted daemon keeps its place in the fleet.
 *
 * @param firstRun the one-off run after start; null after a reload (no extra run then)
 * @param firstSlot the first periodic slot, strictly in the future
 * @param interval the period, in whole seconds (Quartz's calendar-interval unit)
 * @param offset this host's offset inside the splay window
 */
public record ConvergeSchedule(
    Instant firstRun, Instant firstSlot, Duration interval, Duration offset) {

  /** The schedule of a daemon starting at {@code now}. */
  public static ConvergeSchedule atStart(
      Instant now, Duration interval, Duration firstRunDelay, Duration offset) {
    Instant first = now.plus(firstRunDelay);
    // At least half an interval between the first run and the first slot: not two runs in a row.
    Instant slot = nextSlot(first.plus(interval.dividedBy(2)), interval, offset);
    return new ConvergeSchedule(first, slot, interval, offset);
  }

  /** The schedule after a reload at {@code now}: slots only. */
  public static ConvergeSchedule afterReload(Instant now, Duration interval, Duration offset) {
    return new ConvergeSchedule(null, nextSlot(now, interval, offset), interval, offset);
  }

  /** The first slot strictly after {@code after}. */
  public static Instant nextSlot(Instant after, Duration interval, Duration offset) {
    long period = wholeSeconds(interval) * 1000;
    long shift = Math.floorMod(offset.toMillis(), period);
    long t = after.toEpochMilli();
    long slot = Math.floorDiv(t - shift, period) * period + shift;
    while (slot <= t) {
      slot += period;
    }
    return Instant.ofEpochMilli(slot);
  }

  /** The interval in whole seconds, at least one. */
  public static long wholeSeconds(Duration interval) {
    return Math.max(1, interval.toSeconds());
  }
}
