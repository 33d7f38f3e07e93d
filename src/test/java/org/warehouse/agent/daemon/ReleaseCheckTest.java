package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.sandbox.Await;
import org.warehouse.agent.sandbox.RepositoryServer;

/**
 * The release probe's decision against the fixture server: a new InRelease is a change once, a 304
 * or the index the last converge took is none, and a failing repository is logged once per change
 * of state.
 */
@Timeout(60)
class ReleaseCheckTest {
  static final String IN_RELEASE =
      """
      -----BEGIN PGP SIGNED MESSAGE-----
      Hash: SHA512

      Suite: stable
      Date: %s
      -----BEGIN PGP SIGNATURE-----
      -----END PGP SIGNATURE-----
      """;

  @TempDir Path root;
  private RepositoryServer server;
  private ProbeCache cache;
  private final RepositoryProbe probe = new RepositoryProbe(Clock.systemUTC());
  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public synchronized void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() throws IOException {
    publish("Sat, 05 Dec 2026 08:12:34 UTC");
    server = RepositoryServer.start(root.resolve("repo"));
    cache = new ProbeCache(root.resolve("state"));
    Logger.getLogger("daemon").addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("daemon").removeHandler(capture);
    server.close();
  }

  /** A new InRelease (new bytes, new ETag), as a repository publishing a release. */
  void publish(String date) throws IOException {
    Path file = root.resolve("repo/dists/stable/InRelease");
    Files.createDirectories(file.getParent());
    Files.writeString(file, IN_RELEASE.formatted(date));
  }

  AptRepository repo(Duration pollTimeout) {
    return ReleaseCheckTest.repository(server, pollTimeout);
  }

  static AptRepository repository(RepositoryServer server, Duration pollTimeout) {
    return new AptRepository(
        "warehouse", server.uri(), "stable", List.of("main"), Path.of("/k.gpg"), pollTimeout);
  }

  /** What a converge records once apt-get update took the index the server serves now. */
  void convergeRefreshed() throws Exception {
    cache.save("warehouse", probe.probe(repo(Duration.ofSeconds(5)), Optional.empty()).state());
  }

  private List<String> warnings() {
    synchronized (capture) {
      return logged.stream()
          .filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
          .map(LogRecord::getMessage)
          .toList();
    }
  }

  @Test
  void theIndexTheLastConvergeTookIsUnchangedAndAskedConditionally() throws Exception {
    convergeRefreshed();
    ReleaseCheck check = new ReleaseCheck(probe);
    server.clearRequests();

    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);

    Await.until("2 requests logged", Duration.ofSeconds(5), () -> server.requests().size() >= 2);
    assertThat(server.requests())
        .allSatisfy(
            r -> {
              assertThat(r.isConditional()).isTrue();
              assertThat(r.status()).isEqualTo(304);
            });
  }

  @Test
  void aNewInReleaseIsAChangeOnceThenAsksAgainstIt() throws Exception {
    convergeRefreshed();
    ReleaseCheck check = new ReleaseCheck(probe);
    publish("Mon, 07 Dec 2026 08:00:00 UTC");

    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.CHANGED);
    // The converge it starts may fail (or be skipped while disabled): no converge per probe.
    server.clearRequests();
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
    Await.until("1 request logged", Duration.ofSeconds(5), () -> server.requests().size() >= 1);
    assertThat(server.requests().get(0).status()).isEqualTo(304);

    publish("Tue, 08 Dec 2026 08:00:00 UTC");
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.CHANGED);
  }

  @Test
  void aNewInReleaseAConvergeAlreadyTookIsNoChange() throws Exception {
    convergeRefreshed();
    ReleaseCheck check = new ReleaseCheck(probe);
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
    publish("Mon, 07 Dec 2026 08:00:00 UTC");
    // A scheduled (or manual) converge ran in between and refreshed to the new index.
    convergeRefreshed();

    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
  }

  @Test
  void aRepositoryNeverRefreshedIsAChangeOnce() throws Exception {
    ReleaseCheck check = new ReleaseCheck(probe);

    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.CHANGED);
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
  }

  @Test
  void failuresAreNoChangeAndLoggedOncePerChangeOfState() throws Exception {
    convergeRefreshed();
    ReleaseCheck check = new ReleaseCheck(probe);

    for (RepositoryServer.Fault fault :
        List.of(
            RepositoryServer.Fault.STATUS_500,
            RepositoryServer.Fault.DOWN,
            RepositoryServer.Fault.HANG,
            RepositoryServer.Fault.STATUS_500)) {
      server.setFault(fault);
      long t0 = System.nanoTime();
      assertThat(check.check(repo(Duration.ofSeconds(1)), cache))
          .as("%s", fault)
          .isEqualTo(ReleaseCheck.Result.FAILED);
      // Bounded by poll_timeout, whatever the server does.
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1900));
    }
    assertThat(warnings())
        .singleElement()
        .asString()
        .startsWith("release probe failed: repository warehouse answered HTTP 500 for ")
        .endsWith("; no converge until it answers (logged again only when it does)");

    server.setFault(RepositoryServer.Fault.NONE);
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
    assertThat(check.check(repo(Duration.ofSeconds(5)), cache))
        .isEqualTo(ReleaseCheck.Result.UNCHANGED);
    assertThat(warnings())
        .hasSize(2)
        .last()
        .isEqualTo("release probe: repository warehouse answers again");

    server.setFault(RepositoryServer.Fault.DOWN);
    assertThat(check.check(repo(Duration.ofSeconds(1)), cache))
        .isEqualTo(ReleaseCheck.Result.FAILED);
    assertThat(warnings()).hasSize(3).last().asString().contains("unreachable");
  }
}
