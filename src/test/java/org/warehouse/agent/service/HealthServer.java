package org.warehouse.agent.service;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 answering /_health/ with scripted statuses (the last one repeats).
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private final AtomicInteger requests = new AtomicInteger();

  public HealthServer(int... statuses) {
    for (int s : statuses) {
      this.statuses.add(s);
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/_health/",
        exchange -> {
          requests.incrementAndGet();
          int status;
          synchronized (this.statuses) {
            status = this.statuses.size() > 1 ? this.statuses.poll() : this.statuses.peek();
          }
          byte[] body = ("{\"status\": " + status + "}").getBytes(StandardCharsets.UTF_8);
          if (status >= 300 && status < 400) {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
          }
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/_health/");
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
