package org.warehouse.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {
  private final HealthChecker checker = new HealthChecker();
  private static final HealthChecker.Guard NONE = () -> {};

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void a200AnswersAtOnce() throws Exception {
    try (HealthServer s = new HealthServer(200)) {
      HealthChecker.Poll p = checker.await(new HealthCheck(s.url(), Duration.ofSeconds(5)), NONE);
      assertThat(p.healthy()).isTrue();
      assertThat(p.tries()).isEqualTo(1);
    }
  }

  @Test
  void warmingUpWith503IsWaitedFor() throws Exception {
    try (HealthServer s = new HealthServer(503, 503, 204)) {
      HealthChecker.Poll p = checker.await(new HealthCheck(s.url(), Duration.ofSeconds(5)), NONE);
      assertThat(p.healthy()).isTrue();
      assertThat(p.tries()).isEqualTo(3);
      assertThat(p.last().status()).isEqualTo(204);
    }
  }

  @Test
  void a500UntilTheTimeoutFailsNamingTheStatusAndTheTimeout() throws Exception {
    try (HealthServer s = new HealthServer(500)) {
      HealthCheck check = new HealthCheck(s.url(), Duration.ofSeconds(1));
      long t0 = System.nanoTime();
      HealthChecker.Poll p = checker.await(check, NONE);
      long took = millisSince(t0);

      assertThat(p.healthy()).isFalse();
      assertThat(took).isBetween(900L, 2500L);
      // Every 50 ms within the first two seconds (a service coming up is found at once); not a
      // busy loop.
      assertThat(p.tries()).isBetween(10, 21);
      assertThat(s.requests()).isEqualTo(p.tries());
      assertThat(p.describeFailure(check))
          .isEqualTo(
              "HTTP 500 from " + s.url() + " (" + p.tries() + " tries in 1s, health_timeout)");
    }
  }

  @Test
  void nothingListeningFailsWithTheConnectionError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    HealthCheck check =
        new HealthCheck(
            URI.create("http://127.0.0.1:" + port + "/_health/"), Duration.ofMillis(700));
    HealthChecker.Poll p = checker.await(check, NONE);

    assertThat(p.healthy()).isFalse();
    assertThat(p.describeFailure(check))
        .startsWith("no answer from http://127.0.0.1:" + port + "/_health/ (")
        .contains("tries in 700ms, health_timeout): ")
        .containsIgnoringCase("connection refused");
  }

  @Test
  void aServerThatNeverAnswersCostsNoMoreThanTheTimeout() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(mute.accept());
                  }
                } catch (java.io.IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      HealthCheck check =
          new HealthCheck(
              URI.create("http://127.0.0.1:" + mute.getLocalPort() + "/_health/"),
              Duration.ofSeconds(2));
      long t0 = System.nanoTime();
      HealthChecker.Poll p = checker.await(check, NONE);
      long took = millisSince(t0);

      assertThat(p.healthy()).isFalse();
      assertThat(took).isBetween(1900L, 3500L);
      assertThat(p.describeFailure(check)).contains("Read timed out");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aRedirectIsNotHealth() throws Exception {
    try (HealthServer s = new HealthServer(302)) {
      HealthCheck check = new HealthCheck(s.url(), Duration.ofMillis(300));
      HealthChecker.Poll p = checker.await(check, NONE);
      assertThat(p.healthy()).isFalse();
      assertThat(p.describeFailure(check)).startsWith("HTTP 302 from ");
    }
  }

  @Test
  void theGuardStopsTheWaitEarly() throws Exception {
    try (HealthServer s = new HealthServer(500)) {
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () ->
                  checker.await(
                      new HealthCheck(s.url(), Duration.ofSeconds(30)),
                      () -> {
                        throw new ServiceException("web.service", "stopped", "failed (failed)");
                      }))
          .hasMessage("web.service stopped: failed (failed)");
      assertThat(millisSince(t0)).isLessThan(5000L);
    }
  }
}
