package org.warehouse.agent.exec;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the head and the tail of a process's output, so a chatty child cannot exhaust memory. */
final class CappedOutput extends OutputStream {
  private final int headLimit;
  private final int tailLimit;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final byte[] tail;
  private int tailStart;
  private int tailLength;
  private long dropped;

  CappedOutput(int headLimit, int tailLimit) {
    this.headLimit = headLimit;
    this.tailLimit = tailLimit;
    this.tail = new byte[tailLimit];
  }

  @Override
  public synchronized void write(int b) {
    if (head.size() < headLimit) {
      head.write(b);
      return;
    }
    if (tailLength == tailLimit) {
      tailStart = (tailStart + 1) % tailLimit;
      tailLength--;
      dropped++;
    }
    tail[(tailStart + tailLength) % tailLimit] = (byte) b;
    tailLength++;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      write(b[off + i]);
    }
  }

  @Override
  public synchronized String toString() {
    byte[] t = new byte[tailLength];
    for (int i = 0; i < tailLength; i++) {
      t[i] = tail[(tailStart + i) % tailLimit];
    }
    String h = head.toString(StandardCharsets.UTF_8);
    String rest = new String(t, StandardCharsets.UTF_8);
    return dropped == 0 ? h + rest : h + "\n[... " + dropped + " bytes dropped ...]\n" + rest;
  }
}
