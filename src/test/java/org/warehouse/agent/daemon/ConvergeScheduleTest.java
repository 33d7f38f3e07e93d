package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConvergeScheduleTest {
  private static final Duration HALF_HOUR = Duration.ofMinutes(30);

  @Test
  void slotsSitAtTheOffsetPastEachMultipleOfTheInterval() {
    Duration offset = Duration.ofSeconds(137);
    Instant now = Instant.parse("2026-11-27T10:05:00Z");

    Instant slot = ConvergeSchedule.nextSlot(now, HALF_HOUR, offset);

    assertThat(slot).isEqualTo(Instant.parse("2026-11-27T10:32:17Z"));
    assertThat(ConvergeSchedule.nextSlot(Instant.parse("2026-11-27T10:02:16Z"), HALF_HOUR, offset))
        .isEqualTo(Instant.parse("2026-11-27T10:02:17Z"));
    // Strictly after: a slot exactly now is the next one's turn.
    assertThat(ConvergeSchedule.nextSlot(slot, HALF_HOUR, offset))
        .isEqualTo(Instant.parse("2026-11-27T11:02:17Z"));
  }

  @Test
  void aRestartKeepsTheHostsSlots() {
    Duration offset = Duration.ofMillis(83_456);
    Instant a = ConvergeSchedule.nextSlot(Instant.parse("2026-11-27T10:01:30Z"), HALF_HOUR, offset);
    Instant b = ConvergeSchedule.nextSlot(Instant.parse("2026-11-27T10:20:59Z"), HALF_HOUR, offset);
    assertThat(a).isEqualTo(b);
    assertThat(Duration.between(Instant.EPOCH, a).toMillis() % HALF_HOUR.toMillis())
        .isEqualTo(83_456);
  }

  @Test
  void theFirstRunComesAfterTheDelayThenTheSlots() {
    Instant now = Instant.parse("2026-11-27T10:05:00Z");
    ConvergeSchedule s =
        ConvergeSchedule.atStart(now, HALF_HOUR, Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertThat(s.firstRun()).isEqualTo(Instant.parse("2026-11-27T10:05:10Z"));
    assertThat(s.firstSlot()).isEqualTo(Instant.parse("2026-11-27T10:30:20Z"));
    // A slot only 5 s after the first run is skipped: not two runs in a row.
    ConvergeSchedule close =
        ConvergeSchedule.atStart(
            Instant.parse("2026-11-27T10:29:55Z"),
            HALF_HOUR,
            Duration.ofSeconds(10),
            Duration.ofSeconds(20));
    assertThat(close.firstSlot()).isEqualTo(Instant.parse("2026-11-27T11:00:20Z"));

    ConvergeSchedule reloaded =
        ConvergeSchedule.afterReload(now, Duration.ofMinutes(10), Duration.ofSeconds(20));
    assertThat(reloaded.firstRun()).isNull();
    assertThat(reloaded.firstSlot()).isEqualTo(Instant.parse("2026-11-27T10:10:20Z"));
  }
}
