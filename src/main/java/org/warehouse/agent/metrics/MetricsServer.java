package org.warehouse.agent.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /metrics} on one thread that never waits for a client: every socket is non-blocking,
 * so a client that sends half a request, or none, holds a connection slot until its deadline and
 * nothing else. The JDK's HttpServer reads each request head with a blocking read on its executor's
 * threads, so as many slow clients as threads stop every scrape (its maxReqTime only shortens each
 * stop and, firing on one timer tick, kills the scrape queued behind them too); a server such as
 * Jetty does not block but costs the daemon far more resident memory for one URL.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("metrics");

  /** The whole request head must arrive within this, and the answer be taken within it again. */
  static final long TIMEOUT_MS = 5_000;

  /** Connections held at once; a new one past this closes the oldest, so none can lock out. */
  static final int MAX_CONNECTIONS = 64;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final AgentMetrics metrics;
  private final long timeoutMs;
  private final Set<ScrapeConnection> open = new LinkedHashSet<>();
  private final Thread thread;

  private MetricsServer(
      ServerSocketChannel server, Selector selector, AgentMetrics metrics, long timeoutMs) {
    this.server = server;
    this.selector = selector;
    this.metrics = metrics;
    this.timeoutMs = timeoutMs;
    this.thread = new Thread(this::serve, "metrics http");
    thread.setDaemon(true);
  }

  /**
   * Serves {@code metrics} at http://LISTEN/metrics.
   *
   * @param listen HOST:PORT, as metrics.listen in agent.yml ([v6]:port too)
   */
  public static MetricsServer start(String listen, AgentMetrics metrics) throws IOException {
    return start(listen, metrics, TIMEOUT_MS);
  }

  static MetricsServer start(String listen, AgentMetrics metrics, long timeoutMs)
      throws IOException {
    int colon = listen.lastIndexOf(':');
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    ServerSocketChannel server = ServerSocketChannel.open();
    Selector selector = null;
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(host, port), 64);
      server.configureBlocking(false);
      selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      server.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
    MetricsServer s = new MetricsServer(server, selector, metrics, timeoutMs);
    s.thread.start();
    return s;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.socket().getLocalPort();
  }

  private void serve() {
    try {
      while (true) {
        selector.select(this::ready, waitMs());
        expire(System.nanoTime());
      }
    } catch (ClosedSelectorException e) {
      // close() was called
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.SEVERE, "the metrics endpoint stopped", e);
    } finally {
      for (ScrapeConnection c : open) {
        c.close();
      }
      open.clear();
    }
  }

  private void ready(SelectionKey key) {
    if (key.channel() == server) {
      accept();
      return;
    }
    ScrapeConnection c = (ScrapeConnection) key.attachment();
    if (!c.ready(key, metrics, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs))) {
      c.close();
      open.remove(c);
    }
  }

  private void accept() {
    SocketChannel channel;
    try {
      channel = server.accept();
      if (channel == null) {
        return;
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "metrics accept failed", e);
      return;
    }
    if (open.size() >= MAX_CONNECTIONS) {
      Iterator<ScrapeConnection> oldest = open.iterator();
      oldest.next().close();
      oldest.remove();
    }
    try {
      channel.configureBlocking(false);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      ScrapeConnection c = new ScrapeConnection(channel, deadline);
      channel.register(selector, SelectionKey.OP_READ, c);
      open.add(c);
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the client is gone already
      }
    }
  }

  private long waitMs() {
    long next = Long.MAX_VALUE;
    for (ScrapeConnection c : open) {
      next = Math.min(next, c.deadline());
    }
    if (next == Long.MAX_VALUE) {
      return 0; // nothing to time out: sleep until a client comes
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
  }

  private void expire(long now) {
    for (Iterator<ScrapeConnection> i = open.iterator(); i.hasNext(); ) {
      ScrapeConnection c = i.next();
      if (now - c.deadline() >= 0) {
        c.close();
        i.remove();
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      selector.close();
      thread.join(2_000);
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing the metrics endpoint", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
