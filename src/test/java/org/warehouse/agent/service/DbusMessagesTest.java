package org.warehouse.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The D-Bus messages {@link SystemdBus} writes: object paths and Properties.Get calls. */
class DbusMessagesTest {
  @Test
  void unitNamesAreEscapedAsSystemdDoes() {
    assertThat(DbusMessages.unitPath("warehouse-web.service"))
        .isEqualTo("/org/freedesktop/systemd1/unit/warehouse_2dweb_2eservice");
    assertThat(DbusMessages.unitPath("getty@tty1.service"))
        .isEqualTo("/org/freedesktop/systemd1/unit/getty_40tty1_2eservice");
    assertThat(DbusMessages.unitPath("1a.service"))
        .isEqualTo("/org/freedesktop/systemd1/unit/_31a_2eservice");
    assertThat(DbusMessages.unitPath("")).isEqualTo("/org/freedesktop/systemd1/unit/_");
  }

  @Test
  void aGetCallIsAWellFormedMethodCall() throws IOException {
    byte[] call =
        DbusMessages.getCall(7, "/org/freedesktop/systemd1/unit/x", "org.x.Unit", "ActiveState");
    ByteBuffer b = ByteBuffer.wrap(call).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.get(0)).isEqualTo((byte) 'l');
    assertThat(b.get(1)).isEqualTo((byte) 1); // method call
    assertThat(b.getInt(8)).isEqualTo(7);
    int fieldsEnd = 16 + b.getInt(12);
    int bodyStart = (fieldsEnd + 7) & ~7;
    assertThat(call.length - bodyStart).isEqualTo(b.getInt(4));
    String text = new String(call, StandardCharsets.US_ASCII);
    assertThat(text)
        .contains("/org/freedesktop/systemd1/unit/x\0")
        .contains("org.freedesktop.DBus.Properties\0")
        .contains("Get\0")
        .contains("org.freedesktop.systemd1\0")
        .contains("\u0002ss\0");
    // The body: two strings, each a 4-byte length, the bytes, a NUL.
    assertThat(b.getInt(bodyStart)).isEqualTo("org.x.Unit".length());
    assertThat(text.substring(bodyStart + 4)).startsWith("org.x.Unit\0");
    // Parsed back, it is a call (no reply serial) with the signature it says.
    DbusMessages.Reply parsed = DbusMessages.parse(ByteBuffer.wrap(call));
    assertThat(parsed.type()).isEqualTo(1);
    assertThat(parsed.replySerial()).isZero();
  }
}
