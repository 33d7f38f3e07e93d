package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;

/**
 * The rollout client's one connection across a PostgreSQL restart: the first transaction after the
 * server came back runs on a new connection instead of failing on the dead one (which made an idle
 * agent's next converge fail closed once after every database restart or failover).
 */
class PgConnectionsRestartIT {
  private static Settings.RolloutDatabase db(TestPostgres pg) {
    return new Settings.RolloutDatabase(
        pg.host(),
        pg.port(),
        pg.database(),
        pg.user(),
        Optional.of("unused"),
        "restart_test",
        // Generous: a loaded build machine can take seconds to accept a connection.
        Duration.ofSeconds(15),
        Duration.ofSeconds(15));
  }

  private static long backendPid(PgConnections c) throws RolloutException {
    return c.inTransaction(
        conn -> {
          try (ResultSet rs = conn.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Test
  void theFirstTransactionAfterARestartRunsOnANewConnection() throws Exception {
    try (TestPostgres pg = TestPostgres.start();
        PgConnections c = new PgConnections(db(pg), () -> Optional.of(pg.password()))) {
      long before = backendPid(c);
      assertThat(backendPid(c)).as("the connection is kept between transactions").isEqualTo(before);

      pg.restart();

      assertThat(backendPid(c)).isNotEqualTo(before);
    }
  }

  @Test
  void whileTheServerIsDownEveryTransactionFailsNamingTheDatabase() throws Exception {
    try (TestPostgres pg = TestPostgres.start();
        PgConnections c = new PgConnections(db(pg), () -> Optional.of(pg.password()))) {
      backendPid(c);
      pg.stop();

      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> backendPid(c))
            .isInstanceOf(RolloutException.class)
            .hasMessageContaining("rollout database jdbc:postgresql://127.0.0.1:" + pg.port());
      }

      pg.startAgain();
      assertThat(backendPid(c)).isPositive();
    }
  }
}
