package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockWatchTest {
  private Instant wall = Instant.parse("2026-11-27T10:00:00Z");
  private final AtomicLong mono = new AtomicLong(5_000_000_000L);
  private final ClockWatch watch =
      new ClockWatch(
          new Clock() {
            @Override
            public ZoneOffset getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
              return wall;
            }
          },
          mono::get,
          Duration.ofSeconds(10));

  private void elapse(Duration wallMoved, Duration monotonicMoved) {
    wall = wall.plus(wallMoved);
    mono.addAndGet(monotonicMoved.toNanos());
  }

  @Test
  void bothClocksMovingTogetherIsNoJump() {
    elapse(Duration.ofSeconds(30), Duration.ofSeconds(30));
    assertThat(watch.wentBack()).isEmpty();
  }

  @Test
  void aJumpForwardIsNotAJumpBack() {
    elapse(Duration.ofMinutes(60).plusSeconds(30), Duration.ofSeconds(30));
    assertThat(watch.wentBack()).isEmpty();
  }

  @Test
  void aJumpBackIsReportedOnceWithItsSize() {
    elapse(Duration.ofSeconds(30).minusHours(1), Duration.ofSeconds(30));
    assertThat(watch.wentBack()).contains(Duration.ofHours(1));
    elapse(Duration.ofSeconds(30), Duration.ofSeconds(30));
    assertThat(watch.wentBack()).isEmpty();
  }

  @Test
  void aSlewWithinTheToleranceIsIgnored() {
    elapse(Duration.ofSeconds(25), Duration.ofSeconds(30));
    assertThat(watch.wentBack()).isEmpty();
  }
}
