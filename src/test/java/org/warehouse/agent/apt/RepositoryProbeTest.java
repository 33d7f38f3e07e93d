package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.sandbox.Await;
import org.warehouse.agent.sandbox.RepositoryServer;

/** The conditional GET of InRelease against the fixture server, and its bound of poll_timeout. */
@Timeout(30)
class RepositoryProbeTest {
  static final String IN_RELEASE =
      """
      -----BEGIN PGP SIGNED MESSAGE-----
      Hash: SHA512

      Suite: stable
      Date: Sat, 05 Dec 2026 08:12:34 UTC
      Valid-Until: Sat, 12 Dec 2026 08:12:34 UTC
      -----BEGIN PGP SIGNATURE-----
      -----END PGP SIGNATURE-----
      """;

  private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

  @TempDir Path root;
  private RepositoryServer server;
  private final RepositoryProbe probe = new RepositoryProbe(Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeEach
  void start() throws IOException {
    Files.createDirectories(root.resolve("dists/stable"));
    Files.writeString(root.resolve("dists/stable/InRelease"), IN_RELEASE);
    server = RepositoryServer.start(root);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static AptRepository repository(URI uri, Duration pollTimeout) {
    return new AptRepository(
        "warehouse", uri, "stable", List.of("main"), Path.of("/k.gpg"), pollTimeout);
  }

  @Test
  void readsTheIndexFieldsThenAsksConditionally() throws Exception {
    AptRepository repo = repository(server.uri(), Duration.ofSeconds(5));

    ProbeResult first = probe.probe(repo, Optional.empty());
    assertThat(first.modified()).isTrue();
    assertThat(first.state().date()).isEqualTo(Instant.parse("2026-12-05T08:12:34Z"));
    assertThat(first.state().validUntil()).isEqualTo(Instant.parse("2026-12-12T08:12:34Z"));
    assertThat(first.state().refreshedAt()).isEqualTo(NOW);

    ProbeResult second = probe.probe(repo, Optional.of(first.state()));
    assertThat(second.modified()).isFalse();
    assertThat(second.httpStatus()).isEqualTo(304);
    assertThat(second.state()).isEqualTo(first.state());
    awaitRequests(2);
    assertThat(server.requests("/dists/stable/InRelease").get(1).isConditional()).isTrue();
  }

  @Test
  void anUnconditionalProbeFetchesTheBodyAgainAndKeepsTheRefreshTime() throws Exception {
    AptRepository repo = repository(server.uri(), Duration.ofSeconds(5));
    Instant earlier = NOW.minus(Duration.ofDays(2));
    ProbeState cached = probe.probe(repo, Optional.empty()).state();
    // As a cache written before the agent read the fields: no Date, no Valid-Until.
    ProbeState old =
        new ProbeState(
            cached.uri(),
            cached.etag(),
            cached.lastModified(),
            cached.sha256(),
            earlier,
            null,
            null);

    ProbeResult p = probe.probe(repo, Optional.of(old), false);

    assertThat(p.modified()).isFalse();
    assertThat(p.httpStatus()).isEqualTo(200);
    assertThat(p.state().refreshedAt()).isEqualTo(earlier);
    assertThat(p.state().date()).isEqualTo(Instant.parse("2026-12-05T08:12:34Z"));
    awaitRequests(2);
    assertThat(server.requests("/dists/stable/InRelease").get(1).isConditional()).isFalse();
  }

  @Test
  void aTricklingBodyIsAbandonedAtPollTimeout() {
    // Each read gets a byte within a second: only a bound on the whole exchange stops it.
    server.setFault(RepositoryServer.Fault.TRICKLE);
    AptRepository repo = repository(server.uri(), Duration.ofSeconds(2));

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> probe.probe(repo, Optional.empty()))
        .isInstanceOf(AptException.class)
        .hasMessage(
            "repository warehouse did not answer within 2s (poll_timeout): "
                + server.uri()
                + "dists/stable/InRelease");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofMillis(2900));
  }

  @Test
  void tricklingHeadersAreAbandonedAtPollTimeout() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread trickler = new Thread(() -> trickleHeaders(listener), "trickler");
      trickler.setDaemon(true);
      trickler.start();
      AptRepository repo =
          repository(
              URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/"),
              Duration.ofSeconds(2));

      long t0 = System.nanoTime();
      assertThatThrownBy(() -> probe.probe(repo, Optional.empty()))
          .isInstanceOf(AptException.class)
          .hasMessageStartingWith("repository warehouse did not answer within 2s (poll_timeout)");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2900));
    }
  }

  @Test
  void aServerThatNeverAnswersIsAbandonedAtPollTimeout() {
    server.setFault(RepositoryServer.Fault.HANG);
    AptRepository repo = repository(server.uri(), Duration.ofSeconds(1));

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> probe.probe(repo, Optional.empty()))
        .hasMessageContaining("did not answer within 1s (poll_timeout)");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1900));
  }

  @Test
  void anErrorStatusNamesTheRepository() {
    server.setFault(RepositoryServer.Fault.STATUS_500);
    AptRepository repo = repository(server.uri(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> probe.probe(repo, Optional.empty()))
        .hasMessage(
            "repository warehouse answered HTTP 500 for "
                + server.uri()
                + "dists/stable/InRelease");
  }

  // The server logs a request once its answer is sent, which the client may see first.
  private void awaitRequests(int n) {
    Await.until(
        n + " requests to be logged",
        Duration.ofSeconds(5),
        () -> server.requests("/dists/stable/InRelease").size() >= n);
  }

  /** Answers the first connection with a status line and headers, a byte every 200 ms. */
  private static void trickleHeaders(ServerSocket listener) {
    try (Socket s = listener.accept()) {
      InputStream in = s.getInputStream();
      in.read(new byte[8192]);
      byte[] head =
          ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: "
                  + "x".repeat(200)
                  + "\r\nContent-Length: 5\r\n\r\nhello")
              .getBytes(StandardCharsets.US_ASCII);
      OutputStream out = s.getOutputStream();
      for (byte b : head) {
        out.write(b);
        out.flush();
        Thread.sleep(200);
      }
    } catch (IOException | InterruptedException e) {
      // the probe hung up: what the test wants
    }
  }
}
