package org.warehouse.agent.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.ResourceId;

/** Test helpers: a fresh schema per test on the test PostgreSQL, rules, stores. */
final class Rollouts {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private Rollouts() {}

  static Settings.RolloutDatabase freshSchema(String host, int port) {
    return new Settings.RolloutDatabase(
        host,
        port,
        "warehouse_agent",
        "agent",
        Optional.of("unused"),
        "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet(),
        // Generous: a shared machine under load can take seconds to accept a connection.
        Duration.ofSeconds(20),
        Duration.ofSeconds(20));
  }

  static RolloutRules rules(
      int canary, int maxParallel, int haltAfter, Duration ttl, Duration healthy) {
    return new RolloutRules(List.of(), canary, maxParallel, haltAfter, ttl, healthy);
  }

  /** A run report with warehouse's package line: 18.09.01 to {@code after}. */
  static RunReport packageRun(RunResult result, ResourceStatus status, String after, String error) {
    Instant now = Instant.now();
    return new RunReport(
        "r",
        Trigger.SCHEDULED,
        false,
        now,
        now,
        0,
        result,
        List.of(
            new ResourceReport(
                ResourceId.ofPackage("warehouse"), status, "18.09.01", after, "", error, 1)),
        List.of(),
        error);
  }
}
