package org.warehouse.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metrics endpoint over real loopback sockets, with clients that misbehave. */
class MetricsServerTest {
  private static final InetAddress LOOPBACK = loopback();
  private final AgentMetrics metrics =
      new AgentMetrics("26.11.01", Optional::empty, Optional::empty);
  private final List<Socket> held = new ArrayList<>();

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void hangUp() throws IOException {
    for (Socket s : held) {
      s.close();
    }
  }

  private Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(LOOPBACK, port), 2_000);
    held.add(s);
    return s;
  }

  /** Sends {@code request} on a new connection and reads the whole answer, within 2 s. */
  private String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LOOPBACK, port), 2_000);
      s.setSoTimeout(2_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String scrape(int port) throws IOException {
    return exchange(port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
  }

  @Test
  void scrapesAreAnsweredWhileSlowAndIdleClientsAreHeld() throws Exception {
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics)) {
      for (int i = 0; i < 20; i++) {
        connect(server.port()).getOutputStream().write("GET /met".getBytes(StandardCharsets.UTF_8));
        connect(server.port()); // connects and says nothing
      }
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        String answer = scrape(server.port());
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("warehouse_agent_build_info");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
      }
    }
  }

  @Test
  void aFloodOfConnectionsPastTheLimitClosesTheOldestAndTheScrapeIsAnswered() throws Exception {
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics)) {
      for (int i = 0; i < MetricsServer.MAX_CONNECTIONS + 20; i++) {
        connect(server.port()).getOutputStream().write('G');
      }
      assertThat(scrape(server.port())).startsWith("HTTP/1.1 200 OK\r\n");
      // The first one was closed to make room.
      Socket first = held.get(0);
      first.setSoTimeout(2_000);
      assertThat(first.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aClientThatNeverFinishesItsRequestIsClosedAtTheTimeout() throws Exception {
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics, 300)) {
      Socket slow = connect(server.port());
      Socket idle = connect(server.port());
      slow.getOutputStream()
          .write("GET /metrics HTTP/1.1\r\nHost: x".getBytes(StandardCharsets.UTF_8));
      for (Socket s : List.of(slow, idle)) {
        s.setSoTimeout(3_000);
        long start = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
      }
    }
  }

  @Test
  void aRequestThatArrivesInPiecesWithinTheTimeoutIsAnswered() throws Exception {
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics);
        Socket s = new Socket(LOOPBACK, server.port())) {
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      for (String piece : List.of("GET /met", "rics?x=1 HTTP/1.0\r\n", "Host: a\r\n", "\r\n")) {
        out.write(piece.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(50);
      }
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer)
          .startsWith("HTTP/1.1 200 OK\r\n")
          .contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n")
          .contains("Connection: close\r\n")
          .contains("warehouse_agent_build_info");
    }
  }

  @Test
  void otherRequestsGetTheirStatus() throws Exception {
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics)) {
      int port = server.port();
      String head = exchange(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n");
      assertThat(exchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"))
          .startsWith("HTTP/1.1 405 ")
          .contains("Allow: GET, HEAD\r\n");
      assertThat(exchange(port, "GET /other HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 ");
      assertThat(exchange(port, "GET / HTTP/1.1\r\n\r\n")).contains("see /metrics");
      assertThat(exchange(port, "nonsense\n\n")).startsWith("HTTP/1.1 400 ");
      assertThat(exchange(port, "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n\r\n"))
          .startsWith("HTTP/1.1 431 ");
    }
  }

  @Test
  void closingTheServerHangsUpOnItsClients() throws Exception {
    Socket s;
    try (MetricsServer server = MetricsServer.start("127.0.0.1:0", metrics)) {
      s = connect(server.port());
      s.setSoTimeout(2_000);
    }
    try {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection outlived the server", e);
    } catch (IOException e) {
      // reset: hung up as well
    }
  }
}
