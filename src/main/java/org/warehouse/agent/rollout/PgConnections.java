package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.HostInputs;
import org.warehouse.agent.config.Settings;

/**
 * The rollout client's one connection to PostgreSQL, opened when first needed and again after an
 * error. Nothing lives in the session between transactions (no session lock, no prepared statement
 * on the server, no SET outside a transaction), so it works behind a transaction-pooling pgbouncer;
 * every transaction sets its own statement and lock timeouts.
 */
public final class PgConnections implements AutoCloseable {
  // The databases and schemas this process has migrated: Flyway runs once per process, not once
  // per client (a status command or a rebuilt gate would otherwise scan and lock again).
  private static final Set<String> MIGRATED = ConcurrentHashMap.newKeySet();

  private final String url;
  private final Properties properties;
  private final Duration statementTimeout;
  private final String schema;
  private final Password password;
  private final Settings.DatabaseTls tls;
  private Connection connection;

  /** The password, read when a connection is first opened (a secret file may come later). */
  @FunctionalInterface
  public interface Password {
    Optional<String> read() throws RolloutException;
  }

  public PgConnections(Settings.RolloutDatabase db, Password password) {
    this.password = password;
    this.url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name();
    this.schema = db.schema();
    this.statementTimeout = db.statementTimeout();
    Properties p = new Properties();
    p.setProperty("user", db.user());
    long connectSeconds = Math.max(1, db.connectTimeout().toSeconds());
    p.setProperty("connectTimeout", Long.toString(connectSeconds));
    p.setProperty("loginTimeout", Long.toString(connectSeconds));
    // A dead server or a half-open connection must not hang a run: the socket gives up a little
    // after the statement timeout would have.
    p.setProperty(
        "socketTimeout", Long.toString(Math.max(2, db.statementTimeout().toSeconds() * 2 + 1)));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "warehouse-agent");
    // Server-side prepared statements outlive a transaction: not with transaction pooling.
    p.setProperty("prepareThreshold", "0");
    this.tls = db.tls();
    p.setProperty("sslmode", tls.mode().label());
    tls.rootCert().ifPresent(ca -> p.setProperty("sslrootcert", ca.toString()));
    this.properties = p;
  }

  /** The schema the rollout tables live in (a validated identifier). */
  public String schema() {
    return schema;
  }

  /** The JDBC URL, for messages and for the schema migration (no password in it). */
  public String url() {
    return url;
  }

  /** A data source with the same settings (the same properties), for Flyway's own connections. */
  javax.sql.DataSource dataSource() {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(url);
    for (String name : properties.stringPropertyNames()) {
      try {
        ds.setProperty(name, properties.getProperty(name));
      } catch (SQLException e) {
        throw new IllegalStateException("not a pgjdbc property: " + name, e);
      }
    }
    return ds;
  }

  /**
   * Runs {@code work} in one short transaction; a connection error drops the connection. A kept
   * connection that turns out dead at the transaction's first statement is replaced once.
   */
  public synchronized <T> T inTransaction(Work<T> work) throws RolloutException {
    try {
      boolean kept = connection != null && !connection.isClosed();
      Connection c = open();
      try {
        try {
          begin(c);
        } catch (SQLException e) {
          if (!kept || !isConnectionError(e)) {
            throw e;
          }
          // The server went away since the last transaction (a restart, a failover, an idle
          // timeout): nothing of this one ran yet, so a new connection may run all of it.
          closeQuietly();
          c = open();
          begin(c);
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      if (isConnectionError(e)) {
        closeQuietly();
      }
      throw new RolloutException(describe(e), e);
    }
  }

  private void begin(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      long ms = statementTimeout.toMillis();
      s.execute("SET LOCAL statement_timeout = " + ms + "; SET LOCAL lock_timeout = " + ms);
    }
  }

  private Connection open() throws SQLException, RolloutException {
    if (connection == null || connection.isClosed()) {
      checkRootCert();
      Optional<String> pw = password.read();
      if (pw.isPresent()) {
        properties.setProperty("password", pw.get());
      }
      Connection c = DriverManager.getConnection(url, properties);
      try {
        c.setAutoCommit(false);
        if (!MIGRATED.contains(url + " " + schema)) {
          // Once per process, before the first statement: the tables exist at the newest schema.
          // Flyway (its lock, two connections of its own) only when they are not there yet.
          if (!Schema.current(c, schema)) {
            Schema.migrate(this);
          }
          MIGRATED.add(url + " " + schema);
        }
      } catch (SQLException | RolloutException | RuntimeException e) {
        c.close();
        throw e;
      }
      connection = c;
    }
    return connection;
  }

  // The CA decides which server the agent believes: read only one that root alone could have
  // written (check-config says the same earlier; this holds for every caller, every connection).
  private void checkRootCert() throws RolloutException {
    if (tls.rootCert().isEmpty()) {
      return;
    }
    try {
      HostInputs.checkDatabaseCa(tls.rootCert().get(), "rollout database " + url + ": ");
    } catch (ConfigException e) {
      throw new RolloutException(e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the caller's error says why.
    }
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing a broken connection.
      }
      connection = null;
    }
  }

  // SQLSTATE class 08 is a connection exception; 57P0x an administrator's shutdown.
  private static boolean isConnectionError(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }

  private String describe(SQLException e) {
    String state = e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]";
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "rollout database " + url + ": " + why.lines().findFirst().orElse(why) + state;
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  /** A transaction's statements. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }
}
