package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.cli.AgentProcess;
import org.warehouse.agent.cli.ExitCodes;
import org.warehouse.agent.cli.RolloutAgentYml;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SslMode;

/**
 * TLS to the rollout database, against a real PostgreSQL that accepts TCP logins over TLS only
 * (hostssl) and whose certificate, for 127.0.0.1, a test CA signed: each sslmode does what libpq's
 * does, a wrong CA or a wrong name is refused before the password is sent, and a CA file others
 * could write is not read.
 */
class DatabaseTlsPostgresIT {
  private static TestPostgres pg;

  @TempDir Path dir;
  private final List<PgConnections> opened = new ArrayList<>();

  @BeforeAll
  static void start() {
    pg = TestPostgres.startWithTls();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @AfterEach
  void close() {
    opened.forEach(PgConnections::close);
  }

  /** The CA where the agent accepts it: a root-owned (here: the test's user's) 0644 file. */
  private Path copy(Path ca, String name) throws Exception {
    Path copy = dir.resolve(name);
    Files.copy(ca, copy);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    return copy;
  }

  private PgConnections connections(String host, SslMode mode, Optional<Path> ca) {
    Settings.RolloutDatabase db =
        new Settings.RolloutDatabase(
            host,
            pg.port(),
            pg.database(),
            pg.user(),
            Optional.of("test"),
            "tls",
            Duration.ofSeconds(15),
            Duration.ofSeconds(15),
            new Settings.DatabaseTls(mode, ca));
    PgConnections c = new PgConnections(db, () -> Optional.of(pg.password()));
    opened.add(c);
    return c;
  }

  /** What the server says about this session: {@code ssl version}, e.g. {@code true TLSv1.3}. */
  private static String session(PgConnections c) throws RolloutException {
    return c.inTransaction(
        conn -> {
          try (Statement s = conn.createStatement();
              ResultSet r =
                  s.executeQuery(
                      "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            r.next();
            return r.getBoolean(1) + " " + r.getString(2);
          }
        });
  }

  @Test
  void verifyFullWithTheServersCaTalksTls() throws Exception {
    Path ca = copy(pg.tlsCa(), "ca.crt");
    assertThat(session(connections("127.0.0.1", SslMode.VERIFY_FULL, Optional.of(ca))))
        .startsWith("true TLSv1.");
    // The rollout tables work over it, as over any connection.
    PgConnections c = connections("127.0.0.1", SslMode.VERIFY_FULL, Optional.of(ca));
    assertThat(new LeaseStore(c).held(new HostId("a"), "web")).isEmpty();
  }

  @Test
  void preferTheDefaultTakesTlsWhenTheServerOffersIt() throws Exception {
    assertThat(session(connections("127.0.0.1", SslMode.PREFER, Optional.empty())))
        .startsWith("true TLSv1.");
    assertThat(session(connections("127.0.0.1", SslMode.REQUIRE, Optional.empty())))
        .startsWith("true TLSv1.");
  }

  @Test
  void aCaThatDidNotSignTheServersCertificateIsRefused() throws Exception {
    Path other = copy(pg.tlsOtherCa(), "other-ca.crt");
    PgConnections c = connections("127.0.0.1", SslMode.VERIFY_CA, Optional.of(other));
    assertThatThrownBy(() -> session(c))
        .isInstanceOf(RolloutException.class)
        .hasMessageStartingWith("rollout database " + c.url() + ": SSL error: ")
        .hasMessageContaining("PKIX path building failed");
  }

  @Test
  void verifyFullChecksTheNameAndVerifyCaDoesNot() throws Exception {
    // The certificate names 127.0.0.1 only; localhost is the same server under another name.
    Path ca = copy(pg.tlsCa(), "ca.crt");
    assertThat(session(connections("localhost", SslMode.VERIFY_CA, Optional.of(ca))))
        .startsWith("true TLSv1.");
    PgConnections c = connections("localhost", SslMode.VERIFY_FULL, Optional.of(ca));
    assertThatThrownBy(() -> session(c))
        .isInstanceOf(RolloutException.class)
        .hasMessageStartingWith("rollout database " + c.url() + ": ")
        .hasMessageContaining("localhost could not be verified");
  }

  @Test
  void withoutTlsAServerThatRequiresItRefusesTheLogin() throws Exception {
    PgConnections c = connections("127.0.0.1", SslMode.DISABLE, Optional.empty());
    assertThatThrownBy(() -> session(c))
        .isInstanceOf(RolloutException.class)
        .hasMessageContaining("no pg_hba.conf entry")
        .hasMessageContaining("no encryption")
        .hasMessageEndingWith("[28000]");
  }

  @Test
  void aCaFileOthersCouldWriteIsNotRead() throws Exception {
    Path ca = copy(pg.tlsCa(), "ca.crt");
    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-rw-rw-"));
    PgConnections c = connections("127.0.0.1", SslMode.VERIFY_FULL, Optional.of(ca));
    assertThatThrownBy(() -> session(c))
        .isInstanceOf(RolloutException.class)
        .hasMessage(
            "rollout database "
                + c.url()
                + ": sslrootcert "
                + ca
                + ": untrusted input: "
                + ca
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + ca);
    Files.delete(ca);
    assertThatThrownBy(() -> session(c))
        .hasMessage(
            "rollout database "
                + c.url()
                + ": sslrootcert "
                + ca
                + " does not exist (the agent could not check the database server's certificate)");
  }

  @Test
  void rolloutStatusAsAProcessOverVerifyFull() throws Exception {
    Path ca = copy(pg.tlsCa(), "ca.crt");
    Path yml = RolloutAgentYml.write(dir, pg.port(), "tls_cli", pg.password());
    String plain = Files.readString(yml);
    Files.writeString(
        yml,
        plain.replace(
            "    statement_timeout: 15s\n",
            "    statement_timeout: 15s\n    sslmode: verify-full\n    sslrootcert: " + ca + "\n"));
    AgentProcess.Result ok = AgentProcess.run("rollout", "status", "--config=" + yml);
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("group web has no rollouts yet");

    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-rw-r--"));
    AgentProcess.Result refused = AgentProcess.run("check-config", "--config=" + yml);
    assertThat(refused.exit()).isEqualTo(ExitCodes.CONFIG);
    assertThat(refused.err())
        .contains(
            yml
                + ": rollout.database.sslrootcert "
                + ca
                + ": untrusted input: "
                + ca
                + " is writable by group or others (mode 0664); fix: chmod go-w "
                + ca);
    for (AgentProcess.Result r : List.of(ok, refused)) {
      assertThat(r.out() + r.err()).doesNotContain(pg.password());
    }
  }
}
