package org.warehouse.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} over the JDK's own HTTP server, on one thread: a scrape every few seconds
 * needs no more, and no web framework is worth its memory here.
 */
public final class MetricsServer implements AutoCloseable {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves {@code metrics} at http://LISTEN/metrics.
   *
   * @param listen HOST:PORT, as metrics.listen in agent.yml ([v6]:port too)
   */
  public static MetricsServer start(String listen, AgentMetrics metrics) throws IOException {
    int colon = listen.lastIndexOf(':');
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 8);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, metrics));
    server.start();
    return new MetricsServer(server, executor);
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, AgentMetrics metrics) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean get = "GET".equals(exchange.getRequestMethod());
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      if (!get && !head) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n", head);
      } else if ("/metrics".equals(path)) {
        send(exchange, 200, CONTENT_TYPE, metrics.scrape(), head);
      } else if ("/".equals(path)) {
        send(exchange, 200, "text/plain; charset=utf-8", "warehouse-agent: see /metrics\n", head);
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n", head);
      }
    }
  }

  private static void send(
      HttpExchange exchange, int status, String type, String body, boolean headOnly)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, headOnly ? -1 : bytes.length);
    if (!headOnly) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
