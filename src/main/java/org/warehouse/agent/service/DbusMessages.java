package org.warehouse.agent.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The D-Bus wire format, as far as {@link SystemdBus} needs it: unit object paths, {@code
 * org.freedesktop.DBus.Properties.Get} calls, and replies with string and integer values.
 */
final class DbusMessages {
  private DbusMessages() {}

  /** systemd's object path for a unit: bytes outside [A-Za-z0-9] (and a leading digit) as _XX. */
  static String unitPath(String unit) {
    StringBuilder p = new StringBuilder("/org/freedesktop/systemd1/unit/");
    byte[] bytes = unit.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      return p.append('_').toString();
    }
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean alpha = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
      boolean digit = b >= '0' && b <= '9';
      if (alpha || (digit && i > 0)) {
        p.append((char) b);
      } else {
        p.append('_').append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
      }
    }
    return p.toString();
  }

  /** A method call {@code org.freedesktop.DBus.Properties.Get(iface, property)} on {@code path}. */
  static byte[] getCall(int serial, String path, String iface, String property) {
    Marshal body = new Marshal();
    body.string(iface);
    body.string(property);
    Marshal m = new Marshal();
    m.bytes('l', 1, 0, 1); // little endian, METHOD_CALL, no flags, protocol version 1
    m.uint32(body.size());
    m.uint32(serial);
    int lengthAt = m.size();
    m.uint32(0);
    int fields = m.size();
    m.field(1, "o", path);
    m.field(2, "s", "org.freedesktop.DBus.Properties");
    m.field(3, "s", "Get");
    m.field(6, "s", "org.freedesktop.systemd1");
    m.field(8, "g", "ss");
    m.patchUint32(lengthAt, m.size() - fields);
    m.align(8);
    m.append(body);
    return m.toArray();
  }

  /**
   * Parses one whole message: its reply serial and, for a method return of a variant, the value
   * (String or Long); for an error, the error's name and message as an {@link BusError}.
   */
  static Reply parse(ByteBuffer msg) throws IOException {
    msg.order(msg.get(0) == 'B' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int type = msg.get(1);
    int fieldsEnd = 16 + msg.getInt(12);
    Unmarshal u = new Unmarshal(msg, 16);
    long replySerial = 0;
    String errorName = "";
    String signature = "";
    while (u.pos < fieldsEnd) {
      u.align(8);
      int code = u.u8();
      String sig = u.signature();
      Object v = u.value(sig);
      switch (code) {
        case 4 -> errorName = (String) v;
        case 5 -> replySerial = (Long) v;
        case 8 -> signature = (String) v;
        default -> {
          // path, interface, member, destination, sender, unix fds: not needed here
        }
      }
    }
    u.align(8);
    Object value = null;
    if (type == 2 && signature.equals("v")) {
      value = u.value(u.signature());
    } else if (type == 3) {
      String detail = signature.startsWith("s") ? (String) u.value("s") : "";
      value = new BusError(errorName, detail);
    }
    return new Reply(type, (int) replySerial, value);
  }

  /** One answer: its type (2 return, 3 error, 4 signal), the call it answers, its value. */
  record Reply(int type, int replySerial, Object value) {}

  /** An error reply, e.g. org.freedesktop.DBus.Error.UnknownProperty for a unit's MainPID. */
  record BusError(String name, String message) {
    @Override
    public String toString() {
      return name + (message.isEmpty() ? "" : ": " + message);
    }
  }

  /** Writes D-Bus values, aligned from the start of what it writes (a message or a body). */
  private static final class Marshal {
    private ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);

    int size() {
      return b.position();
    }

    void bytes(int... values) {
      ensure(values.length);
      for (int v : values) {
        b.put((byte) v);
      }
    }

    void uint32(long v) {
      align(4);
      ensure(4);
      b.putInt((int) v);
    }

    void patchUint32(int at, int v) {
      b.putInt(at, v);
    }

    void align(int n) {
      while (b.position() % n != 0) {
        bytes(0);
      }
    }

    void string(String s) {
      byte[] raw = s.getBytes(StandardCharsets.UTF_8);
      uint32(raw.length);
      ensure(raw.length + 1);
      b.put(raw).put((byte) 0);
    }

    void signature(String s) {
      byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
      bytes(raw.length);
      ensure(raw.length + 1);
      b.put(raw).put((byte) 0);
    }

    /** A header field: struct (byte code, variant of signature {@code sig}). */
    void field(int code, String sig, String value) {
      align(8);
      bytes(code);
      signature(sig);
      if (sig.equals("g")) {
        signature(value);
      } else {
        string(value);
      }
    }

    void append(Marshal other) {
      ensure(other.size());
      b.put(other.b.array(), 0, other.size());
    }

    byte[] toArray() {
      byte[] out = new byte[b.position()];
      b.get(0, out);
      return out;
    }

    private void ensure(int n) {
      if (b.remaining() < n) {
        ByteBuffer bigger =
            ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.flip();
        bigger.put(b);
        b = bigger;
      }
    }
  }

  /** Reads the basic D-Bus types this class needs, bounds-checked, from one message. */
  private static final class Unmarshal {
    private final ByteBuffer b;
    private int pos;

    Unmarshal(ByteBuffer b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    void align(int n) {
      pos = (pos + n - 1) / n * n;
    }

    int u8() throws IOException {
      need(1);
      return b.get(pos++) & 0xff;
    }

    long u32() throws IOException {
      align(4);
      need(4);
      long v = b.getInt(pos) & 0xffffffffL;
      pos += 4;
      return v;
    }

    String signature() throws IOException {
      int n = u8();
      return text(n);
    }

    Object value(String sig) throws IOException {
      return switch (sig) {
        case "s", "o" -> text(Math.toIntExact(u32()));
        case "g" -> signature();
        case "u" -> u32();
        case "i" -> (long) (int) u32();
        case "b" -> u32() != 0;
        default -> throw new IOException("unexpected D-Bus type '" + sig + "' from systemd");
      };
    }

    private String text(int n) throws IOException {
      need(n + 1);
      byte[] raw = new byte[n];
      b.get(pos, raw);
      pos += n + 1;
      return new String(raw, StandardCharsets.UTF_8);
    }

    private void need(int n) throws IOException {
      if (n < 0 || pos + n > b.limit()) {
        throw new IOException("truncated D-Bus message from systemd");
      }
    }
  }
}
