package org.warehouse.agent.service;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a unit's state from systemd over its private D-Bus socket, as {@code systemctl} itself does
 * when run as root: the properties of {@code systemctl show} without a process per look (27 ms of a
 * 50 ms no-op converge). Speaks only the part of the D-Bus wire protocol that needs: EXTERNAL
 * authentication and {@code org.freedesktop.DBus.Properties.Get} calls with string and uint32
 * answers.
 */
public final class SystemdBus {
  /** systemd's peer-to-peer socket; root only, no bus daemon needed. */
  public static final Path PRIVATE_SOCKET = Path.of("/run/systemd/private");

  private static final String UNIT = "org.freedesktop.systemd1.Unit";
  private static final String SERVICE = "org.freedesktop.systemd1.Service";
  // Every answer here is a few hundred bytes; anything bigger is not an answer to these calls.
  private static final int MAX_MESSAGE = 64 * 1024;
  private static final List<String[]> PROPERTIES =
      List.of(
          new String[] {UNIT, "LoadState"},
          new String[] {UNIT, "ActiveState"},
          new String[] {UNIT, "SubState"},
          new String[] {UNIT, "UnitFileState"},
          new String[] {SERVICE, "MainPID"});

  private final Path socket;
  private final Duration timeout;

  public SystemdBus(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  /** Whether the socket is there at all (it is not where PID 1 is not systemd). */
  public boolean present() {
    return Files.exists(socket);
  }

  /**
   * The unit's load, active, sub and enablement state and main PID (0 when the unit has none, as
   * for a unit that is not a service), as {@code systemctl show} prints them.
   *
   * @throws IOException when systemd cannot be asked or answers something unexpected
   */
  public UnitState show(String unit) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
      Conversation c = new Conversation(ch, selector, deadline);
      c.write(ascii("\0AUTH EXTERNAL " + hex(Long.toString(uid())) + "\r\n"));
      String auth = c.readLine();
      if (!auth.startsWith("OK ")) {
        throw new IOException("systemd refused the connection: " + auth);
      }
      String path = unitPath(unit);
      ByteBuffer out = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
      out.put(ascii("BEGIN\r\n"));
      for (int i = 0; i < PROPERTIES.size(); i++) {
        out.put(getCall(i + 1, path, PROPERTIES.get(i)[0], PROPERTIES.get(i)[1]));
      }
      out.flip();
      c.write(out);
      Map<Integer, Object> answers = new HashMap<>();
      while (answers.size() < PROPERTIES.size()) {
        Reply r = c.readReply();
        if (r.replySerial > 0 && r.replySerial <= PROPERTIES.size()) {
          answers.put(r.replySerial, r.value);
        }
      }
      String[] s = new String[4];
      for (int i = 0; i < 4; i++) {
        if (!(answers.get(i + 1) instanceof String v)) {
          throw new IOException(
              "systemd did not answer " + PROPERTIES.get(i)[1] + ": " + answers.get(i + 1));
        }
        s[i] = v;
      }
      // A unit that is not a service has no MainPID: systemctl shows none, the record 0.
      long pid = answers.get(5) instanceof Long v ? v : 0;
      return new UnitState(s[0], s[1], s[2], s[3], pid);
    }
  }

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

  private static long uid() throws IOException {
    // The kernel gives systemd the peer's uid; EXTERNAL only has to name the same one.
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }

  private static String hex(String s) {
    StringBuilder b = new StringBuilder();
    for (byte c : s.getBytes(StandardCharsets.US_ASCII)) {
      b.append(Character.forDigit((c >> 4) & 15, 16)).append(Character.forDigit(c & 15, 16));
    }
    return b.toString();
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
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

  /** Reads and writes on a non-blocking channel, each wait bounded by one deadline. */
  private static final class Conversation {
    private final SocketChannel ch;
    private final Selector selector;
    private final long deadline;
    private ByteBuffer in = ByteBuffer.allocate(1024);

    Conversation(SocketChannel ch, Selector selector, long deadline) {
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

    Reply readReply() throws IOException {
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
      return parse(msg);
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
