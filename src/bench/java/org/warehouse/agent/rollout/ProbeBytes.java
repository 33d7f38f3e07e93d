package org.warehouse.agent.rollout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeState;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.sandbox.RepositoryServer;

/**
 * The bytes of one release probe answered 304, as sent: the agent's own {@link RepositoryProbe}
 * through a relay that counts what crosses it each way (HTTP request and answer, not TCP/IP
 * headers), against the fixture repository server and against python3's http.server.
 */
final class ProbeBytes implements AutoCloseable {
  /** One exchange: request bytes up, answer bytes down. */
  record Exchange(long request, long answer) {
    long total() {
      return request + answer;
    }
  }

  private final ServerSocket relay;
  private final int upstream;
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong down = new AtomicLong();
  private final Thread acceptor;

  private ProbeBytes(int upstream) throws IOException {
    this.upstream = upstream;
    this.relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "probe-bytes relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A conditional probe's exchange against the fixture server (com.sun.net.httpserver). */
  static Exchange fixture(Path root) throws Exception {
    try (RepositoryServer server = RepositoryServer.start(root)) {
      return measure(root, server.port());
    }
  }

  /** The same against {@code python3 -m http.server} (HTTP/1.0, If-Modified-Since). */
  static Optional<Exchange> python(Path root) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process server =
        new ProcessBuilder(
                "python3",
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "--directory",
                root.toString(),
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + port + "/dists/stable/InRelease");
      for (int i = 0; i < 100; i++) {
        try {
          HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
          int status = c.getResponseCode();
          c.disconnect();
          if (status == 200) {
            return Optional.of(measure(root, port));
          }
        } catch (IOException e) {
          Thread.sleep(100); // not listening yet
        }
      }
      return Optional.empty();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /** A repository tree with an InRelease the size of a one-component repository's. */
  static Path repository(Path dir) throws IOException {
    Path inRelease = dir.resolve("dists/stable/InRelease");
    Files.createDirectories(inRelease.getParent());
    Files.writeString(
        inRelease,
        "Suite: stable\nDate: Mon, 07 Dec 2026 08:00:00 UTC\n".repeat(60),
        StandardCharsets.US_ASCII);
    return dir;
  }

  private static Exchange measure(Path root, int port) throws Exception {
    try (ProbeBytes relay = new ProbeBytes(port)) {
      AptRepository repo =
          new AptRepository(
              "warehouse",
              URI.create("http://127.0.0.1:" + relay.relay.getLocalPort() + "/"),
              "stable",
              List.of("main"),
              Path.of("/k.gpg"),
              Duration.ofSeconds(10));
      RepositoryProbe probe = new RepositoryProbe(Clock.systemUTC());
      ProbeState state = probe.probe(repo, Optional.empty()).state();
      Exchange last = null;
      for (int i = 0; i < 3; i++) {
        Thread.sleep(200);
        relay.up.set(0);
        relay.down.set(0);
        int status = probe.probe(repo, Optional.of(state)).httpStatus();
        if (status != 304) {
          throw new IllegalStateException("expected a 304 from " + root + ", got " + status);
        }
        Thread.sleep(200); // the relay's copies end when the probe's connection closes
        last = new Exchange(relay.up.get(), relay.down.get());
      }
      return last;
    }
  }

  private void accept() {
    while (!relay.isClosed()) {
      try {
        Socket client = relay.accept();
        Socket target = new Socket(InetAddress.getLoopbackAddress(), upstream);
        pump(client, target, up);
        pump(target, client, down);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void pump(Socket from, Socket to, AtomicLong counter) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                  counter.addAndGet(n);
                  out.write(buf, 0, n);
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                // the other side closed: the exchange is over
              } finally {
                closeQuietly(to);
              }
            },
            "probe-bytes pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    relay.close();
  }
}
