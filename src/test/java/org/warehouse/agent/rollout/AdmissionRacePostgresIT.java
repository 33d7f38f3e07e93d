package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;

/** Admission racing another grant on a real PostgreSQL: the row lock must order them. */
class AdmissionRacePostgresIT {
  private static final RolloutKey KEY = new RolloutKey("web", "warehouse", "2.0");

  @Test
  void aHostNeverQueuesBehindAnotherHostsAdmissionAndCountsItsGrant() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      Settings.RolloutDatabase db =
          new Settings.RolloutDatabase(
              pg.host(),
              pg.port(),
              pg.database(),
              pg.user(),
              Optional.of("test"),
              "race",
              Duration.ofSeconds(10),
              Duration.ofSeconds(10));
      RolloutRules rules = Rollouts.rules(0, 2, 3, Duration.ofMinutes(5), Duration.ofMinutes(5));
      try (PgConnections first = new PgConnections(db, () -> Optional.of(pg.password()));
          PgConnections late = new PgConnections(db, () -> Optional.of(pg.password()))) {
        RolloutStore store = new RolloutStore(first);
        assertThat(store.admit(new HostId("first"), KEY, rules))
            .isInstanceOf(Decision.Granted.class);
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", pg.password());
        try (Connection other = DriverManager.getConnection(pg.jdbcUrl(), p);
            Statement s = other.createStatement()) {
          // Another host's grant, in flight: it holds the rollout's row lock and has not yet
          // taken the second slot.
          other.setAutoCommit(false);
          String r = db.schema() + ".rollout";
          s.execute("SELECT id FROM " + r + " WHERE version = '2.0' FOR NO KEY UPDATE");
          // The third host does not queue behind it (a thousand would): it is told to wait.
          Decision third = new RolloutStore(late).admit(new HostId("third"), KEY, rules);
          assertThat(third).isInstanceOf(Decision.Waiting.class);
          assertThat(third.why()).contains("being admitted");
          // ...and is counted among the waiters (its row's foreign key does not wait either).
          try (Statement look = other.createStatement();
              java.sql.ResultSet w =
                  look.executeQuery(
                      "SELECT count(*) FROM "
                          + db.schema()
                          + ".rollout_waiter WHERE host = 'third'")) {
            assertThat(w.next()).isTrue();
            assertThat(w.getInt(1)).isEqualTo(1);
          }
          // It takes the second slot and commits.
          s.execute(
              "INSERT INTO "
                  + db.schema()
                  + ".rollout_host (rollout_id, host, canary, state, epoch, lease_until,"
                  + " granted_at) SELECT id, 'second', false, 'installing', epoch + 1,"
                  + " clock_timestamp() + interval '5 min', clock_timestamp() FROM "
                  + r);
          s.execute("UPDATE " + r + " SET epoch = epoch + 1");
          other.commit();
          // Both slots are taken: the count, read after the lock, includes the second.
          Decision again = new RolloutStore(late).admit(new HostId("third"), KEY, rules);
          assertThat(again).isInstanceOf(Decision.Waiting.class);
          assertThat(again.why()).contains("slots held");
        }
      }
    }
  }
}
