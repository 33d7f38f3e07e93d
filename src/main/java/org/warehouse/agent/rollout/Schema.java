package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and migrates the rollout tables with Flyway, from db/rollout in the agent's jar, when
 * they are not at the newest migration yet. Many agents starting at once are safe, directly or
 * behind a transaction-pooling pgbouncer: Flyway serializes migrations with a PostgreSQL advisory
 * lock taken inside a transaction (pg_try_advisory_xact_lock), and an agent that finds it taken
 * waits here, holding no connection, and tries again; every migration after the first finds nothing
 * to do.
 */
public final class Schema {
  // Flyway would retry the lock itself, once a second inside the open transaction: behind a
  // pgbouncer with fewer server connections than agents migrating at once, those waiting
  // transactions hold every server connection, and the lock holder, which runs the migration on a
  // second connection, never gets one (all but one of 20 agents failed after their timeouts on a
  // pool of 2). Waiting outside any transaction lets the holder finish.
  private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

  /** The newest migration in db/rollout (SchemaTest keeps it so). */
  static final String NEWEST = "1";

  private Schema() {}

  /**
   * Whether {@code schema} is already at {@link #NEWEST}, read in one short transaction on {@code
   * c} (rolled back): agents starting on a migrated database, nearly every start, need neither
   * Flyway's lock nor its connections.
   */
  static boolean current(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM "
                + schema
                + ".agent_schema_history WHERE version = ? AND success")) {
      ps.setString(1, NEWEST);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    } catch (SQLException e) {
      // 42P01 no such table, 3F000 no such schema: a database Flyway has not set up yet.
      if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    } finally {
      c.rollback();
    }
  }

  /** Migrates to the newest schema; returns how many migrations this call applied. */
  public static int migrate(PgConnections db) throws RolloutException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      try {
        MigrateResult r =
            Flyway.configure(Schema.class.getClassLoader())
                .dataSource(db.dataSource())
                .schemas(db.schema())
                .createSchemas(true)
                .locations("classpath:db/rollout")
                .table("agent_schema_history")
                .connectRetries(0)
                .lockRetryCount(0)
                .loggers("slf4j")
                .load()
                .migrate();
        return r.migrationsExecuted;
      } catch (FlywayException e) {
        if (!lockTaken(e)) {
          throw failed(db, e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (System.nanoTime() - deadline > 0) {
          throw failed(db, "its migration lock stayed taken for " + LOCK_WAIT.toSeconds() + "s", e);
        }
      }
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RolloutException(
            "rollout database " + db.url() + ": interrupted waiting to migrate " + db.schema(), e);
      }
    }
  }

  /** Another agent holds the migration lock (Flyway says so only in its message). */
  static boolean lockTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("acquire PostgreSQL advisory lock")) {
        return true;
      }
    }
    return false;
  }

  private static RolloutException failed(PgConnections db, String why, FlywayException e) {
    return new RolloutException(
        "rollout database "
            + db.url()
            + ": cannot create or migrate schema "
            + db.schema()
            + ": "
            + why,
        e);
  }
}
