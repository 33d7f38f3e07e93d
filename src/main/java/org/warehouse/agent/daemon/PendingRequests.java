package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control socket's connections until their one request line is in, on one thread that never
 * blocks: a client that connects and says nothing, or half a line, holds no worker, only a slot (at
 * most {@link #MAX_PENDING}; a new one past that closes the oldest) until its deadline.
 */
final class PendingRequests implements Runnable {
  private static final Logger LOG = Logger.getLogger("daemon");

  /** Connections waiting for their request at once. */
  static final int MAX_PENDING = 64;

  /** The longest request line: a request is a few dozen bytes. */
  static final int MAX_REQUEST = 4096;

  /** Gets each complete request, its channel back in blocking mode. */
  interface Sink {
    void request(SocketChannel channel, String line);
  }

  private final ServerSocketChannel server;
  private final Selector selector;
  private final long timeoutNanos;
  private final Sink sink;
  private final Map<SocketChannel, Pending> pending = new LinkedHashMap<>();
  private final List<SocketChannel> complete = new ArrayList<>();

  private static final class Pending {
    private final byte[] bytes = new byte[MAX_REQUEST];
    private final ByteBuffer in = ByteBuffer.wrap(bytes);
    private final long deadline;

    Pending(long deadline) {
      this.deadline = deadline;
    }

    ByteBuffer in() {
      return in;
    }

    long deadline() {
      return deadline;
    }

    /** The request line so far; "" (refused as a request) when it does not end within the limit. */
    String line() {
      int end = lineEnd();
      return end < 0 ? "" : new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    int lineEnd() {
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }
  }

  PendingRequests(ServerSocketChannel server, long timeoutMs, Sink sink) throws IOException {
    this.server = server;
    this.selector = Selector.open();
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    this.sink = sink;
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
  }

  @Override
  public void run() {
    try {
      while (true) {
        selector.select(this::ready, waitMs());
        if (!complete.isEmpty()) {
          selector.selectNow(); // deregisters their keys: a registered channel cannot block
          for (SocketChannel c : complete) {
            hand(c);
          }
          complete.clear();
        }
        expire(System.nanoTime());
      }
    } catch (ClosedSelectorException e) {
      // close() was called
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.SEVERE, "the control socket stopped taking requests", e);
    } finally {
      for (SocketChannel c : pending.keySet()) {
        closeQuietly(c);
      }
      pending.clear();
    }
  }

  private void ready(SelectionKey key) {
    if (key.channel() == server) {
      accept();
      return;
    }
    SocketChannel c = (SocketChannel) key.channel();
    Pending p = pending.get(c);
    if (p == null) {
      return; // closed in this round to make room for a newer connection
    }
    try {
      if (c.read(p.in()) < 0) {
        drop(c);
      } else if (p.lineEnd() >= 0 || !p.in().hasRemaining()) {
        key.cancel();
        complete.add(c);
      }
    } catch (IOException e) {
      drop(c);
    }
  }

  private void hand(SocketChannel c) {
    Pending p = pending.remove(c);
    if (p == null) {
      return; // closed to make room for a newer connection
    }
    String line = p.line();
    try {
      c.configureBlocking(true);
      sink.request(c, line);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "control connection dropped", e);
      closeQuietly(c);
    }
  }

  private void accept() {
    try {
      SocketChannel c = server.accept();
      if (c == null) {
        return;
      }
      if (pending.size() >= MAX_PENDING) {
        drop(pending.keySet().iterator().next());
      }
      c.configureBlocking(false);
      c.register(selector, SelectionKey.OP_READ);
      pending.put(c, new Pending(System.nanoTime() + timeoutNanos));
    } catch (IOException e) {
      LOG.log(Level.FINE, "control socket accept failed", e);
    }
  }

  private long waitMs() {
    long next = Long.MAX_VALUE;
    for (Pending p : pending.values()) {
      next = Math.min(next, p.deadline());
    }
    if (next == Long.MAX_VALUE) {
      return 0; // nothing to time out: sleep until a client comes
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
  }

  private void expire(long now) {
    for (Iterator<Map.Entry<SocketChannel, Pending>> i = pending.entrySet().iterator();
        i.hasNext(); ) {
      Map.Entry<SocketChannel, Pending> e = i.next();
      if (now - e.getValue().deadline() >= 0) {
        closeQuietly(e.getKey());
        i.remove();
      }
    }
  }

  private void drop(SocketChannel c) {
    pending.remove(c);
    closeQuietly(c);
  }

  static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing a connection that is done with; nothing to report
    }
  }

  /** Stops taking requests and hangs up on those still pending. */
  void close() throws IOException {
    selector.close();
  }
}
