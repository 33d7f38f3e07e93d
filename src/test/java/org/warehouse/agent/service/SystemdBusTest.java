package org.warehouse.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversation of {@link SystemdBus} against a scripted peer (SystemdBusSandboxIT holds it
 * against a real systemd): answers out of order, errors, garbage; the messages in {@link
 * DbusMessagesTest}.
 */
class SystemdBusTest {
  @TempDir Path dir;

  @Test
  void readsTheFiveProperties_answersInAnyOrder_signalsIgnored() throws Exception {
    Map<String, Object> props =
        Map.of(
            "LoadState", "loaded",
            "ActiveState", "active",
            "SubState", "running",
            "UnitFileState", "enabled",
            "MainPID", 4242L);
    UnitState s = withPeer(calls -> answers(calls, props, true), bus -> bus.show("a.service"));
    assertThat(s).isEqualTo(new UnitState("loaded", "active", "running", "enabled", 4242));
  }

  @Test
  void aUnitWithoutMainPidIsZero_asSystemctlShowsIt() throws Exception {
    Map<String, Object> props =
        Map.of(
            "LoadState", "loaded",
            "ActiveState", "active",
            "SubState", "active",
            "UnitFileState", "static");
    UnitState s = withPeer(calls -> answers(calls, props, false), bus -> bus.show("a.target"));
    assertThat(s.mainPid()).isZero();
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void anErrorForAUnitPropertyIsAnError() {
    Map<String, Object> props = Map.of("LoadState", "loaded");
    assertThatThrownBy(
            () -> withPeer(calls -> answers(calls, props, false), bus -> bus.show("a.service")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not answer ActiveState")
        .hasMessageContaining("org.freedesktop.DBus.Error.UnknownProperty");
  }

  @Test
  void refusedAuthenticationSilenceAndHangUpsAreIOExceptions() {
    assertThatThrownBy(() -> withPeer("REJECTED EXTERNAL\r\n", null, bus -> bus.show("a.service")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refused");
    assertThatThrownBy(() -> withPeer("", null, bus -> bus.show("a.service")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not answer in time");
    assertThatThrownBy(() -> withPeer("OK 1234\r\n", calls -> null, bus -> bus.show("a.service")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aMessageLargerThanAnyAnswerIsRefused() {
    Function<List<Integer>, byte[]> huge =
        calls -> {
          ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
          b.put((byte) 'l').put((byte) 2).put((byte) 0).put((byte) 1);
          b.putInt(10_000_000).putInt(1).putInt(0);
          return b.array();
        };
    assertThatThrownBy(() -> withPeer(calls -> huge.apply(calls), bus -> bus.show("a.service")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected a small answer");
  }

  @Test
  void systemctlFallsBackToTheProcessWhenTheBusIsMissingOrBroken() throws Exception {
    FakeSystemd fake = new FakeSystemd();
    SystemdBus missing = new SystemdBus(dir.resolve("none"), Duration.ofSeconds(1));
    assertThat(missing.present()).isFalse();
    Systemctl systemctl = new Systemctl(fake, Duration.ofSeconds(5), Optional.of(missing));
    assertThat(systemctl.show("a.service").mainPid()).isEqualTo(100);
    assertThat(fake.argvs).singleElement().satisfies(a -> assertThat(a).contains("show"));

    // A peer that refuses: the process answers.
    FakeSystemd fake2 = new FakeSystemd();
    UnitState s =
        withPeer(
            "REJECTED EXTERNAL\r\n",
            null,
            bus -> {
              try {
                return new Systemctl(fake2, Duration.ofSeconds(5), Optional.of(bus))
                    .show("a.service");
              } catch (ServiceException | InterruptedException e) {
                throw new IOException(e);
              }
            });
    assertThat(s.mainPid()).isEqualTo(100);
    assertThat(fake2.argvs).hasSize(1);
  }

  /** What the peer answers to the calls it read (their serials), or null to hang up. */
  private interface Script {
    byte[] answer(List<Integer> serials) throws IOException;
  }

  private interface BusCall<T> {
    T call(SystemdBus bus) throws IOException;
  }

  private <T> T withPeer(Script script, BusCall<T> call) throws Exception {
    return withPeer("OK 0123456789abcdef\r\n", script, call);
  }

  // A one-connection peer: reads the AUTH line, says authLine, then (given a script) reads BEGIN
  // and five calls and writes what the script answers.
  private <T> T withPeer(String authLine, Script script, BusCall<T> call) throws Exception {
    Path socket = dir.resolve("bus-" + System.nanoTime());
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      CompletableFuture<Void> peer =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = server.accept()) {
                  String auth = readUntil(c, "\r\n");
                  assertThat(auth).startsWith("\0AUTH EXTERNAL ");
                  if (authLine.isEmpty()) {
                    Thread.sleep(1500);
                    return;
                  }
                  c.write(ByteBuffer.wrap(authLine.getBytes(StandardCharsets.US_ASCII)));
                  if (script == null) {
                    return;
                  }
                  assertThat(readUntil(c, "\r\n")).isEqualTo("BEGIN");
                  List<Integer> serials = new ArrayList<>();
                  for (int i = 0; i < 5; i++) {
                    serials.add(readCall(c));
                  }
                  byte[] answer = script.answer(serials);
                  if (answer != null) {
                    c.write(ByteBuffer.wrap(answer));
                  }
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      try {
        return call.call(new SystemdBus(socket, Duration.ofSeconds(1)));
      } finally {
        peer.exceptionally(e -> null).get();
      }
    }
  }

  private static String readUntil(SocketChannel c, String end) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!out.toString(StandardCharsets.US_ASCII).endsWith(end)) {
      one.clear();
      if (c.read(one) < 0) {
        break;
      }
      out.write(one.get(0));
    }
    String s = out.toString(StandardCharsets.US_ASCII);
    return s.substring(0, Math.max(0, s.length() - end.length()));
  }

  // Reads one method call whole; returns its serial.
  private static int readCall(SocketChannel c) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    while (head.hasRemaining()) {
      c.read(head);
    }
    int fields = head.getInt(12);
    int rest = ((16 + fields + 7) & ~7) - 16 + head.getInt(4);
    ByteBuffer body = ByteBuffer.allocate(rest);
    while (body.hasRemaining()) {
      c.read(body);
    }
    return head.getInt(8);
  }

  // Answers the five calls last first, with a signal in between; a property missing from props
  // gets an UnknownProperty error.
  private static byte[] answers(List<Integer> serials, Map<String, Object> props, boolean signal) {
    String[] names = {"LoadState", "ActiveState", "SubState", "UnitFileState", "MainPID"};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = serials.size() - 1; i >= 0; i--) {
      Object v = props.get(names[i]);
      byte[] m =
          v == null
              ? error(serials.get(i), "org.freedesktop.DBus.Error.UnknownProperty")
              : reply(serials.get(i), v);
      out.writeBytes(m);
      if (signal && i == 2) {
        out.writeBytes(message(4, 0, "", null));
      }
    }
    return out.toByteArray();
  }

  private static byte[] reply(int serial, Object value) {
    return message(2, serial, "", value);
  }

  private static byte[] error(int serial, String name) {
    return message(3, serial, name, "no such property");
  }

  // A message from the peer: type 2 return (body a variant), 3 error (body a string), 4 signal.
  private static byte[] message(int type, int replySerial, String errorName, Object value) {
    ByteBuffer body = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    String signature = "";
    if (type == 2) {
      signature = "v";
      boolean text = value instanceof String;
      body.put((byte) 1).put((byte) (text ? 's' : 'u')).put((byte) 0);
      pad(body, 4);
      if (text) {
        string(body, (String) value);
      } else {
        body.putInt((int) (long) (Long) value);
      }
    } else if (type == 3) {
      signature = "s";
      string(body, (String) value);
    }
    ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    h.put((byte) 'l').put((byte) type).put((byte) 0).put((byte) 1);
    h.putInt(body.position()).putInt(1000 + replySerial).putInt(0);
    int start = h.position();
    if (replySerial > 0) {
      pad(h, 8);
      h.put((byte) 5).put((byte) 1).put((byte) 'u').put((byte) 0).putInt(replySerial);
    }
    if (!errorName.isEmpty()) {
      pad(h, 8);
      h.put((byte) 4).put((byte) 1).put((byte) 's').put((byte) 0);
      string(h, errorName);
    }
    if (!signature.isEmpty()) {
      pad(h, 8);
      h.put((byte) 8).put((byte) 1).put((byte) 'g').put((byte) 0);
      h.put((byte) signature.length()).put(signature.getBytes(StandardCharsets.US_ASCII));
      h.put((byte) 0);
    }
    h.putInt(12, h.position() - start);
    pad(h, 8);
    h.put(body.array(), 0, body.position());
    byte[] out = new byte[h.position()];
    h.get(0, out);
    return out;
  }

  private static void string(ByteBuffer b, String s) {
    pad(b, 4);
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    b.putInt(raw.length).put(raw).put((byte) 0);
  }

  private static void pad(ByteBuffer b, int n) {
    while (b.position() % n != 0) {
      b.put((byte) 0);
    }
  }
}
