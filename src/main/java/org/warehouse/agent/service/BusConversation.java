package org.warehouse.agent.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One exchange with systemd: reads and writes on a non-blocking channel, bounded by one deadline.
 */
final class BusConversation {
  // Every answer here is a few hundred bytes; anything bigger is not an answer to these calls.
  static final int MAX_MESSAGE = 64 * 1024;

  private final SocketChannel ch;
  private final Selector selector;
  private final long deadline;
  private ByteBuffer in = ByteBuffer.allocate(1024);

  BusConversation(SocketChannel ch, Selector selector, long deadline) {
    this.ch = ch;
    this.selector = selector;
    this.deadline = deadline;
    in.flip();
  }

  void write(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.write(b) == 0) {
        // The socket buffer is far larger than a few calls; a full one means systemd is stuck.
        waitOrFail();
      }
    }
  }

  String readLine() throws IOException {
    while (true) {
      for (int i = in.position(); i + 1 < in.limit(); i++) {
        if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
          byte[] line = new byte[i - in.position()];
          in.get(line);
          in.position(in.position() + 2);
          return new String(line, StandardCharsets.US_ASCII);
        }
      }
      fill();
    }
  }

  DbusMessages.Reply readReply() throws IOException {
    while (in.remaining() < 16) {
      fill();
    }
    ByteBuffer header =
        in.slice()
            .order(in.get(in.position()) == 'B' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    long fields = header.getInt(12) & 0xffffffffL;
    long body = header.getInt(4) & 0xffffffffL;
    long total = ((16 + fields + 7) & ~7L) + body;
    if (total > MAX_MESSAGE) {
      throw new IOException("systemd sent a " + total + "-byte message; expected a small answer");
    }
    while (in.remaining() < total) {
      fill();
    }
    ByteBuffer msg = in.slice(in.position(), (int) total);
    in.position(in.position() + (int) total);
    return DbusMessages.parse(msg);
  }

  private void fill() throws IOException {
    in.compact();
    if (!in.hasRemaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.min(in.capacity() * 4, MAX_MESSAGE + 1024));
      in.flip();
      bigger.put(in);
      in = bigger;
    }
    try {
      int n;
      while ((n = ch.read(in)) == 0) {
        waitOrFail();
      }
      if (n < 0) {
        throw new IOException("systemd closed the connection");
      }
    } finally {
      in.flip();
    }
  }

  private void waitOrFail() throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new IOException("systemd did not answer in time");
    }
    selector.select(Math.max(1, left / 1_000_000));
    selector.selectedKeys().clear();
  }
}
