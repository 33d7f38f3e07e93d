package org.warehouse.agent.daemon;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Newline-terminated UTF-8 lines over a blocking socket channel, with a bound on line length. */
final class LineChannel implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(8192);
  private final int maxLine;

  LineChannel(SocketChannel channel, int maxLine) {
    this.channel = channel;
    this.maxLine = maxLine;
    in.flip();
  }

  /** The next line without its newline; null at end of stream before any byte of a line. */
  String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') {
          return line.toString(StandardCharsets.UTF_8);
        }
        if (line.size() >= maxLine) {
          throw new IOException("control line longer than " + maxLine + " bytes");
        }
        line.write(b);
      }
      in.clear();
      int n = channel.read(in);
      in.flip();
      if (n < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed in the middle of a line");
      }
    }
  }

  void write(String line) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
