package org.warehouse.agent.rollout;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and migrates the rollout tables with Flyway, from db/rollout in the agent's jar. Many
 * agents starting at once are safe: Flyway serializes migrations with a PostgreSQL advisory lock
 * taken inside the migration's transaction (a transaction-scoped lock, so pgbouncer's transaction
 * pooling does not break it), and every migration after the first finds nothing to do.
 */
public final class Schema {
  private Schema() {}

  /** Migrates to the newest schema; returns how many migrations this call applied. */
  public static int migrate(PgConnections db) throws RolloutException {
    try {
      MigrateResult r =
          Flyway.configure(Schema.class.getClassLoader())
              .dataSource(db.dataSource())
              .schemas(db.schema())
              .createSchemas(true)
              .locations("classpath:db/rollout")
              .table("agent_schema_history")
              .connectRetries(0)
              .loggers("slf4j")
              .load()
              .migrate();
      return r.migrationsExecuted;
    } catch (FlywayException e) {
      throw new RolloutException(
          "rollout database "
              + db.url()
              + ": cannot create or migrate schema "
              + db.schema()
              + ": "
              + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
  }
}
