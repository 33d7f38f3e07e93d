package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;

/** The rollout client's connections against a real PostgreSQL. */
class PgConnectionsPostgresIT {
  @Test
  void theSchemaIsMigratedOncePerProcessNotOncePerClient() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      Settings.RolloutDatabase db =
          new Settings.RolloutDatabase(
              pg.host(),
              pg.port(),
              pg.database(),
              pg.user(),
              Optional.of("test"),
              "once",
              Duration.ofSeconds(5),
              Duration.ofSeconds(5));
      try (PgConnections first = new PgConnections(db, () -> Optional.of(pg.password()))) {
        assertThat(new LeaseStore(first).held(new HostId("a"), "web")).isEmpty();
      }
      // Were Flyway to run again, it would find the tables without its history and refuse.
      pg.sql("ALTER TABLE once.agent_schema_history RENAME TO moved_history");
      try (PgConnections second = new PgConnections(db, () -> Optional.of(pg.password()))) {
        assertThat(new LeaseStore(second).held(new HostId("b"), "web")).isEmpty();
      }
    }
  }
}
