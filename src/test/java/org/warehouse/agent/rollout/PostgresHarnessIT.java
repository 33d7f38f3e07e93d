package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The real-PostgreSQL harness: TestPostgres and test-fixtures/postgres.sh on this host. */
class PostgresHarnessIT {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @Test
  void theAgentConnectsWithItsPasswordOverTcpOnLoopback() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      assertThat(pg.jdbcUrl())
          .isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/warehouse_agent");
      try (Connection agent = connect(pg, pg.password())) {
        var row =
            agent
                .createStatement()
                .executeQuery(
                    "SELECT current_user, host(inet_server_addr()), inet_server_port(),"
                        + " current_database()");
        row.next();
        assertThat(List.of(row.getString(1), row.getString(2), row.getInt(3), row.getString(4)))
            .containsExactly("agent", "127.0.0.1", pg.port(), "warehouse_agent");
        // It owns the database: the agent's migrations create the schema.
        agent.createStatement().execute("CREATE TABLE owned_by_agent (x int)");
      }
      assertThatThrownBy(() -> connect(pg, pg.password() + "x"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      assertThat(
              pg.sql(
                  "SELECT current_setting('max_connections'), current_setting('listen_addresses'),"
                      + " current_setting('fsync'), rolsuper, rolcreatedb, rolpassword LIKE"
                      + " 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'agent'"))
          .containsExactly(List.of("1200", "127.0.0.1", "off", "f", "f", "t"));
      assertThat(Files.getPosixFilePermissions(pg.directory()))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      String serverUser = ROOT ? "postgres" : System.getProperty("user.name");
      assertThat(Files.getOwner(pg.directory()).getName()).isEqualTo(serverUser);
      assertThat(ProcessHandle.of(pg.pid()).flatMap(p -> p.info().user())).contains(serverUser);
    }
  }

  @Test
  void restartKeepsTheDataAndThePort() {
    try (TestPostgres pg = TestPostgres.start()) {
      pg.sql("CREATE TABLE kept (x int)");
      pg.sql("INSERT INTO kept VALUES (42)");
      int port = pg.port();
      long before = pg.pid();

      pg.stop();
      assertThat(gone(before)).as("postmaster %d after stop", before).isTrue();
      assertThatThrownBy(() -> connect(pg, pg.password())).isInstanceOf(SQLException.class);
      assertThat(pg.directory().resolve("data")).isDirectory();

      pg.startAgain();
      assertThat(pg.port()).isEqualTo(port);
      assertThat(pg.pid()).isNotEqualTo(before);
      assertThat(pg.sql("SELECT x FROM kept")).containsExactly(List.of("42"));

      long second = pg.pid();
      pg.restart();
      assertThat(gone(second)).isTrue();
      assertThat(pg.sql("SELECT inet_server_port(), x FROM kept"))
          .containsExactly(List.of(Integer.toString(port), "42"));
    }
  }

  @Test
  void closeLeavesNoProcessAndNoDirectory() throws IOException {
    TestPostgres pg = TestPostgres.start();
    long pid = pg.pid();
    Path dir = pg.directory();
    assertThat(processesNaming(dir)).contains(pid);

    pg.close();

    assertThat(gone(pid)).as("postmaster %d", pid).isTrue();
    assertThat(processesNaming(dir)).as("processes naming %s", dir).isEmpty();
    assertThat(dir).doesNotExist();
    pg.close();
  }

  @Test
  void twoInstancesRunAtOnceOnTheirOwnPorts() {
    try (TestPostgres one = TestPostgres.start();
        TestPostgres two = TestPostgres.start()) {
      assertThat(one.port()).isNotEqualTo(two.port());
      assertThat(one.directory()).isNotEqualTo(two.directory());
      one.sql("CREATE TABLE only_in_one (x int)");
      assertThat(one.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_one'"))
          .containsExactly(List.of("1"));
      assertThat(two.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_one'"))
          .containsExactly(List.of("0"));
    }
  }

  @Test
  void missingPostgresFailsNamingInstallDeps() {
    assertThatThrownBy(() -> PostgresScript.requireInstalled(Path.of("/nonexistent/bin")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/nonexistent/bin/initdb")
        .hasMessageContaining("test-fixtures/install-deps.sh");
    PostgresScript.Result script =
        PostgresScript.run(List.of("start"), Map.of("PG_BINDIR", "/nonexistent/bin"));
    assertThat(script.exitCode()).isEqualTo(69);
    assertThat(script.stderr()).contains("run test-fixtures/install-deps.sh as root");
    assertThat(script.stdout()).isEmpty();
  }

  @Test
  void stopRefusesADirectoryItDidNotCreate() throws IOException {
    Path foreign = Files.createTempDirectory(Path.of("/tmp"), "warehouse-pg.");
    try {
      PostgresScript.Result stop = PostgresScript.run(List.of("stop", foreign.toString()));
      assertThat(stop.exitCode()).as("%s", stop).isEqualTo(1);
      assertThat(stop.stderr()).contains("not an instance of postgres.sh");
      assertThat(foreign).isDirectory();
    } finally {
      Files.delete(foreign);
    }
  }

  static Connection connect(TestPostgres pg, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", pg.user());
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(pg.jdbcUrl(), properties);
  }

  /** Gone or a zombie: an orphan's zombie lingers where PID 1 does not reap (some containers). */
  static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  /** Live processes whose command line names {@code dir}: a postmaster, a watchdog. */
  static List<Long> processesNaming(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> !gone(p.pid()))
        .filter(p -> cmdline(p.pid()).contains(dir.toString()))
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
