package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real Quartz scheduler, with a one-second interval so the tests take seconds. */
class DaemonSchedulerTest {
  private final List<Long> fires = new ArrayList<>();
  private final List<Long> ends = new ArrayList<>();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();

  private Runnable job(long firstRunMillis) {
    return () -> {
      int now = concurrent.incrementAndGet();
      maxConcurrent.accumulateAndGet(now, Math::max);
      boolean first;
      synchronized (fires) {
        fires.add(System.nanoTime());
        first = fires.size() == 1;
      }
      try {
        if (first) {
          Thread.sleep(firstRunMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        synchronized (fires) {
          ends.add(System.nanoTime());
        }
        concurrent.decrementAndGet();
      }
    };
  }

  private int firesBetween(long fromNanos, long toNanos) {
    synchronized (fires) {
      return (int) fires.stream().filter(t -> t >= fromNanos && t < toNanos).count();
    }
  }

  @Test
  void firstRunAfterTheDelayThenEverySlotAndNextRunIsKnown() throws Exception {
    try (DaemonScheduler s = new DaemonScheduler(job(0), Duration.ofSeconds(60))) {
      Instant now = Instant.now();
      s.start(
          ConvergeSchedule.atStart(
              now, Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(500)));
      assertThat(s.nextRun()).hasValueSatisfying(t -> assertThat(t).isAfter(now));

      // Wait for the first run and two slots (a loaded machine starts Quartz late), then check
      // the slots came an interval apart, not as a burst; never more than one at a time.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (fireCount() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      synchronized (fires) {
        assertThat(fires.size()).isGreaterThanOrEqualTo(3);
        assertThat(fires.get(2) - fires.get(1)).isGreaterThan(Duration.ofMillis(500).toNanos());
      }
      assertThat(maxConcurrent.get()).isEqualTo(1);
      assertThat(s.nextRun()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now()));
      long slotMillisOfSecond = s.nextRun().orElseThrow().toEpochMilli() % 1000;
      assertThat(slotMillisOfSecond).isEqualTo(500);
    }
  }

  private int fireCount() {
    synchronized (fires) {
      return fires.size();
    }
  }

  @Test
  void aRunLongerThanSeveralIntervalsIsFollowedByOneRunNotABurst() throws Exception {
    // Slots half a second past each second after the start: 0.55, 1.55, 2.55, 3.55... The first
    // run (at 0.05) takes 3 s and blocks three slots; they misfire (threshold 100 ms) and must
    // cause one run at once, not three, and then the slot at 3.55 comes as usual.
    Instant now = Instant.now();
    Duration offset = Duration.ofMillis((now.toEpochMilli() + 550) % 1000);
    try (DaemonScheduler s = new DaemonScheduler(job(3000), Duration.ofMillis(100))) {
      s.start(ConvergeSchedule.atStart(now, Duration.ofSeconds(1), Duration.ofMillis(50), offset));
      Thread.sleep(4800);
    }
    long longRunEnd;
    synchronized (fires) {
      longRunEnd = ends.get(0);
    }
    assertThat(maxConcurrent.get()).isEqualTo(1);
    long ms = 1_000_000;
    // One catch-up run right after the long one (a burst would be three)...
    assertThat(firesBetween(longRunEnd, longRunEnd + 300 * ms)).isEqualTo(1);
    // ...then only the regular slots: 3.55 (and, on a slow machine, 4.55).
    assertThat(firesBetween(longRunEnd + 300 * ms, longRunEnd + 1700 * ms)).isBetween(1, 2);
  }

  @Test
  void misfireAndConcurrencyPolicyAreWhatTheDesignSays() throws Exception {
    assertThat(
            DaemonScheduler.periodic(
                    ConvergeSchedule.afterReload(
                        Instant.now(), Duration.ofMinutes(30), Duration.ZERO))
                .getMisfireInstruction())
        .isEqualTo(org.quartz.CalendarIntervalTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
    assertThat(ConvergeJob.class.isAnnotationPresent(org.quartz.DisallowConcurrentExecution.class))
        .isTrue();
  }
}
