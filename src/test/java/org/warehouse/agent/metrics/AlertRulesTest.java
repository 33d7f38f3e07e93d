package org.warehouse.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.sandbox.ExecResult;
import org.warehouse.agent.sandbox.Fixtures;
import org.warehouse.agent.sandbox.Promtool;

/** packaging/prometheus/alerts.yml is valid and each alert passes its promtool unit tests. */
class AlertRulesTest {
  private static final Path DIR = Fixtures.projectDir().resolve("packaging/prometheus");

  @Test
  void theRulesAreValid() {
    ExecResult r = Promtool.run(DIR, "check", "rules", "alerts.yml");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains("SUCCESS: 9 rules found");
  }

  @Test
  void eachAlertFiresWhenItShouldAndOnlyThen() {
    ExecResult r = Promtool.run(DIR, "test", "rules", "alerts_test.yml");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains("SUCCESS");
  }
}
