package org.warehouse.agent.rollout;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A throw-away PostgreSQL 15 server on 127.0.0.1 for tests, run by test-fixtures/postgres.sh as the
 * {@code postgres} user: database {@code warehouse_agent} owned by the role {@code agent}.
 */
public final class TestPostgres implements AutoCloseable {
  private final Path directory;
  private final Map<String, String> values;
  private final Thread cleanup;
  private volatile long pid;
  private boolean closed;

  private TestPostgres(Map<String, String> values) {
    this.values = Map.copyOf(values);
    this.directory = Path.of(values.get("PG_DIR"));
    this.pid = Long.parseLong(values.get("PG_PID"));
    // A JVM that exits without close() still removes its servers; a SIGKILLed one leaves them
    // to the script's watchdog.
    this.cleanup = new Thread(() -> PostgresScript.run(List.of("stop", directory.toString())));
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** A fresh server on a free port. */
  public static TestPostgres start() {
    return start(0, List.of());
  }

  /**
   * A fresh server on {@code port} (0: a free one), with extra postgresql.conf lines such as {@code
   * log_min_duration_statement = 0}.
   */
  public static TestPostgres start(int port, List<String> settings) {
    return start(port, settings, false);
  }

  /**
   * A fresh server with TLS: its certificate (for 127.0.0.1) signed by {@link #tlsCa()}, and TCP
   * logins over TLS only.
   */
  public static TestPostgres startWithTls() {
    return start(0, List.of(), true);
  }

  private static TestPostgres start(int port, List<String> settings, boolean tls) {
    PostgresScript.requireInstalled(PostgresScript.BIN_DIR);
    List<String> args = new ArrayList<>(List.of("start", "--owner", ownPid()));
    if (tls) {
      args.add("--tls");
    }
    if (port != 0) {
      args.addAll(List.of("--port", Integer.toString(port)));
    }
    settings.forEach(setting -> args.addAll(List.of("--set", setting)));
    return new TestPostgres(PostgresScript.run(args).requireSuccess().values());
  }

  public String jdbcUrl() {
    return values.get("PG_JDBC_URL");
  }

  public String host() {
    return values.get("PG_HOST");
  }

  public int port() {
    return Integer.parseInt(values.get("PG_PORT"));
  }

  public String database() {
    return values.get("PG_DATABASE");
  }

  public String user() {
    return values.get("PG_USER");
  }

  public String password() {
    return values.get("PG_PASSWORD");
  }

  /** The CA (PEM) that signed a {@link #startWithTls()} server's certificate. */
  public Path tlsCa() {
    return Path.of(values.get("PG_TLS_CA"));
  }

  /** A CA (PEM) that signed nothing this server has. */
  public Path tlsOtherCa() {
    return Path.of(values.get("PG_TLS_OTHER_CA"));
  }

  public String superuser() {
    return values.get("PG_SUPERUSER");
  }

  public String superuserPassword() {
    return values.get("PG_SUPERUSER_PASSWORD");
  }

  /** The postmaster's PID (a new one after {@link #startAgain()}). */
  public long pid() {
    return pid;
  }

  /** The instance's directory: data/, postgres.log, the socket, instance.env. */
  public Path directory() {
    return directory;
  }

  public Path log() {
    return Path.of(values.get("PG_LOG"));
  }

  /** Stops the server (fast shutdown: clients are disconnected), keeping its data and port. */
  public void stop() {
    PostgresScript.run(List.of("stop", "--keep", directory.toString())).requireSuccess();
  }

  /** Starts the stopped server again on the same port with the same data. */
  public void startAgain() {
    Map<String, String> again =
        PostgresScript.run(List.of("start", "--dir", directory.toString()))
            .requireSuccess()
            .values();
    pid = Long.parseLong(again.get("PG_PID"));
  }

  /** {@link #stop()}, then {@link #startAgain()}. */
  public void restart() {
    stop();
    startAgain();
  }

  /**
   * Starts a pgbouncer in front of this server: transaction pooling, at most {@code poolSize}
   * server connections for the agent role, which logs in to it with {@link #password()}. {@link
   * #close()} stops it with the server.
   */
  public TestPgBouncer startBouncer(int poolSize) {
    Map<String, String> started =
        PostgresScript.run(
                List.of("bouncer", "--pool-size", Integer.toString(poolSize), directory.toString()))
            .requireSuccess()
            .values();
    return new TestPgBouncer(started, this);
  }

  /** Runs one statement in warehouse_agent as the superuser, over TCP; rows as strings. */
  public List<List<String>> sql(String statement) {
    return sql(database(), statement);
  }

  /** A connection to warehouse_agent as the superuser, directly (never through a pgbouncer). */
  public Connection superuserConnection() throws SQLException {
    return superuserConnection(database());
  }

  private Connection superuserConnection(String db) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", superuser());
    properties.setProperty("password", superuserPassword());
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "120");
    String url = "jdbc:postgresql://" + host() + ":" + port() + "/" + db;
    return DriverManager.getConnection(url, properties);
  }

  /** Runs one statement in {@code db} as the superuser (pg_stat_statements is in postgres). */
  public List<List<String>> sql(String db, String statement) {
    try (Connection connection = superuserConnection(db);
        Statement jdbc = connection.createStatement()) {
      List<List<String>> rows = new ArrayList<>();
      if (jdbc.execute(statement)) {
        try (ResultSet result = jdbc.getResultSet()) {
          int columns = result.getMetaData().getColumnCount();
          while (result.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
              row.add(result.getString(i));
            }
            rows.add(row);
          }
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("on " + this + ": " + statement, e);
    }
  }

  /** Stops the server and removes its directory; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    PostgresScript.run(List.of("stop", directory.toString())).requireSuccess();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway and finds nothing to stop.
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL " + host() + ":" + port() + " pid " + pid + " in " + directory;
  }

  private static String ownPid() {
    return Long.toString(ProcessHandle.current().pid());
  }
}
