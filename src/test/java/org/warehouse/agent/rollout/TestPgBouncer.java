package org.warehouse.agent.rollout;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A throw-away pgbouncer in transaction pooling mode in front of a {@link TestPostgres}, started by
 * test-fixtures/postgres.sh (its {@code bouncer} command); stopped and removed with the server.
 */
public final class TestPgBouncer {
  private final Map<String, String> values;
  private final TestPostgres server;

  TestPgBouncer(Map<String, String> values, TestPostgres server) {
    this.values = Map.copyOf(values);
    this.server = server;
  }

  public String host() {
    return values.get("BOUNCER_HOST");
  }

  public int port() {
    return Integer.parseInt(values.get("BOUNCER_PORT"));
  }

  public long pid() {
    return Long.parseLong(values.get("BOUNCER_PID"));
  }

  /** How many server connections it opens for the agent role at most. */
  public int poolSize() {
    return Integer.parseInt(values.get("BOUNCER_POOL_SIZE"));
  }

  public Path log() {
    return Path.of(values.get("BOUNCER_LOG"));
  }

  /**
   * The agent role's connections to the server now, as the server counts them (pg_stat_activity,
   * read as the superuser directly): only the pgbouncer's, when every agent client goes through it.
   */
  public int serverConnections() {
    List<List<String>> rows =
        server.sql("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + server.user() + "'");
    return Integer.parseInt(rows.get(0).get(0));
  }

  @Override
  public String toString() {
    return "pgbouncer " + host() + ":" + port() + " pid " + pid() + " pool " + poolSize();
  }
}
