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

      Thread.sleep(2600);

      // The first run plus two or three slots; never more than one at a time.
      synchronized (fires) {
        assertThat(fires.size()).isBetween(3, 4);
      }
      assertThat(maxConcurrent.get()).isEqualTo(1);
      assertThat(s.nextRun()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now()));
      long slotMillisOfSecond = s.nextRun().orElseThrow().toEpochMilli() % 1000;
      assertThat(slotMillisOfSecond).isEqualTo(500);
    }
  }

  @Test
  void aRunLongerThanSeveralIntervalsIsFollowedByOneRunNotABurst() throws Exception {
    // The first run blocks three slots; they misfire (threshold 100 ms) and fire once, at once.
    try (DaemonScheduler s = new DaemonScheduler(job(3500), Duration.ofMillis(100))) {
      s.start(
          ConvergeSchedule.atStart(
              Instant.now(), Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ZERO));
      Thread.sleep(5200);
    }
    long longRunEnd;
    synchronized (fires) {
      longRunEnd = ends.get(0);
      assertThat(fires.size()).as("fires").isBetween(2, 4);
    }
    assertThat(maxConcurrent.get()).isEqualTo(1);
    long ms = 1_000_000;
    // Exactly one catch-up run right after the long one...
    assertThat(firesBetween(longRunEnd, longRunEnd + 250 * ms)).isEqualTo(1);
    // ...and after it only the regular slots: at most one more in the next 900 ms.
    assertThat(firesBetween(longRunEnd + 250 * ms, longRunEnd + 1150 * ms)).isLessThanOrEqualTo(1);
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
