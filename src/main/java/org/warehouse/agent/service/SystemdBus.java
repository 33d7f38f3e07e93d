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
 * when run as root: the properties of {@code systemctl show} without starting a process per look,
 * which is most of what a no-op converge's service step costs. Speaks only the part of the D-Bus
 * protocol that needs: EXTERNAL authentication, then {@code Properties.Get} calls ({@link
 * DbusMessages}) in one {@link BusConversation}.
 */
public final class SystemdBus {
  /** systemd's peer-to-peer socket; root only, no bus daemon needed. */
  public static final Path PRIVATE_SOCKET = Path.of("/run/systemd/private");

  private static final String UNIT = "org.freedesktop.systemd1.Unit";
  private static final String SERVICE = "org.freedesktop.systemd1.Service";
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
      BusConversation c = new BusConversation(ch, selector, deadline);
      c.write(ascii("\0AUTH EXTERNAL " + hex(Long.toString(uid())) + "\r\n"));
      String auth = c.readLine();
      if (!auth.startsWith("OK ")) {
        throw new IOException("systemd refused the connection: " + auth);
      }
      String path = DbusMessages.unitPath(unit);
      ByteBuffer out = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
      out.put(ascii("BEGIN\r\n"));
      for (int i = 0; i < PROPERTIES.size(); i++) {
        out.put(DbusMessages.getCall(i + 1, path, PROPERTIES.get(i)[0], PROPERTIES.get(i)[1]));
      }
      out.flip();
      c.write(out);
      Map<Integer, Object> answers = new HashMap<>();
      while (answers.size() < PROPERTIES.size()) {
        DbusMessages.Reply r = c.readReply();
        if (r.replySerial() > 0 && r.replySerial() <= PROPERTIES.size()) {
          answers.put(r.replySerial(), r.value());
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
}
