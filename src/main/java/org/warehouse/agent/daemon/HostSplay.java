package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * This host's stable place inside the splay window, a pure function of a host key: a fleet spreads
 * evenly over the window, and a restart (or a reboot) never moves a host to another place.
 */
public final class HostSplay {
  private HostSplay() {}

  /** The offset in [0, splay) for {@code hostKey}, to the millisecond. */
  public static Duration offset(String hostKey, Duration splay) {
    long window = splay.toMillis();
    if (window <= 0) {
      return Duration.ZERO;
    }
    // A cryptographic hash only for its uniform spread: similar keys (web-01, web-02) must not
    // land next to each other, as they would with String.hashCode.
    byte[] digest = sha256(hostKey.getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    return Duration.ofMillis(Math.floorMod(bits, window));
  }

  /** The host key: /etc/machine-id when readable and non-empty, else the kernel's hostname. */
  public static String hostKey() {
    return hostKey(Path.of("/etc/machine-id"), Path.of("/proc/sys/kernel/hostname"));
  }

  static String hostKey(Path machineId, Path hostname) {
    String id = readFirstLine(machineId);
    if (!id.isEmpty()) {
      return id;
    }
    String name = readFirstLine(hostname);
    return name.isEmpty() ? "localhost" : name;
  }

  private static String readFirstLine(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
