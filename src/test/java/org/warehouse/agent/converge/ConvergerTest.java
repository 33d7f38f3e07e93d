package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.SettingsLoader;
import org.warehouse.agent.daemon.TestSettings;

/** What a converge's report covers. */
class ConvergerTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  private static final class StepClock extends Clock {
    Instant now = Instant.parse("2026-11-27T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void theReportedDurationIncludesReadingTheInputsAndBuildingThePlan() throws Exception {
    StepClock clock = new StepClock();
    PlanFactory slowPlan =
        s -> {
          clock.now = clock.now.plus(Duration.ofMillis(700));
          return new Plan(List.of(new FakeResources.Value("file:/x", "a", "a")), Map.of());
        };
    Converger c =
        new Converger(
            SettingsLoader.load(TestSettings.write(dir, "")), slowPlan, RunListener.NONE, clock);

    RunReport report = c.converge(Trigger.MANUAL, false);

    assertThat(report.durationMs()).isEqualTo(700);
    assertThat(report.result()).isEqualTo(RunResult.UNCHANGED);
  }
}
