package org.warehouse.agent.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.warehouse.agent.config.Settings;

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
}
