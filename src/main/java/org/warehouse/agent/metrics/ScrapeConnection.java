package org.warehouse.agent.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.x connection to the metrics endpoint, driven by {@link MetricsServer}'s selector:
 * reads a request head of at most 8 KiB, answers it once with {@code Connection: close}, then waits
 * for the client to hang up (closing with its bytes unread would reset the answer away).
 */
final class ScrapeConnection {
  private static final int MAX_HEAD = 8 * 1024;
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
  private ByteBuffer out;
  private boolean answered;
  private long deadline;

  ScrapeConnection(SocketChannel channel, long deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  long deadline() {
    return deadline;
  }

  /**
   * Does what the ready key allows without blocking.
   *
   * @param next the deadline for taking the answer, once the request is in
   * @return false when the connection is done with and must be closed
   */
  boolean ready(SelectionKey key, AgentMetrics metrics, long next) {
    try {
      if (out != null) {
        return write(key);
      }
      if (answered) {
        in.clear();
        return channel.read(in) >= 0; // discard anything more until the client hangs up
      }
      if (channel.read(in) < 0) {
        return false;
      }
      int end = headEnd();
      if (end < 0 && in.hasRemaining()) {
        return true;
      }
      String head = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
      out = end < 0 ? answer(431, TEXT, "request head too large\n", false) : answer(head, metrics);
      deadline = next;
      key.interestOps(SelectionKey.OP_WRITE);
      return write(key);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private boolean write(SelectionKey key) throws IOException {
    channel.write(out);
    if (!out.hasRemaining()) {
      out = null;
      answered = true;
      channel.shutdownOutput();
      key.interestOps(SelectionKey.OP_READ);
    }
    return true;
  }

  private int headEnd() {
    byte[] b = in.array();
    for (int i = 0; i < in.position(); i++) {
      if (b[i] == '\n'
          && ((i >= 1 && b[i - 1] == '\n') || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n'))) {
        return i;
      }
    }
    return -1;
  }

  private static ByteBuffer answer(String head, AgentMetrics metrics) {
    String line = head.substring(0, head.indexOf('\n')).strip();
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      return answer(400, TEXT, "bad request\n", false);
    }
    boolean headOnly = "HEAD".equals(parts[0]);
    if (!"GET".equals(parts[0]) && !headOnly) {
      return answer(405, TEXT, "method not allowed\n", false);
    }
    int query = parts[1].indexOf('?');
    String path = query < 0 ? parts[1] : parts[1].substring(0, query);
    return switch (path) {
      case "/metrics" -> answer(200, METRICS, metrics.scrape(), headOnly);
      case "/" -> answer(200, TEXT, "warehouse-agent: see /metrics\n", headOnly);
      default -> answer(404, TEXT, "not found\n", headOnly);
    };
  }

  private static ByteBuffer answer(int status, String type, String body, boolean headOnly) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String reason =
        switch (status) {
          case 200 -> "OK";
          case 400 -> "Bad Request";
          case 404 -> "Not Found";
          case 405 -> "Method Not Allowed";
          default -> "Request Header Fields Too Large";
        };
    String headers =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: "
            + type
            + "\r\nContent-Length: "
            + bytes.length
            + (status == 405 ? "\r\nAllow: GET, HEAD" : "")
            + "\r\nConnection: close\r\n\r\n";
    byte[] h = headers.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(h.length + (headOnly ? 0 : bytes.length));
    b.put(h);
    if (!headOnly) {
      b.put(bytes);
    }
    return b.flip();
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a connection that is done with; nothing to report
    }
  }
}
