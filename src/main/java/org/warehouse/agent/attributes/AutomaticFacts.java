package org.warehouse.agent.attributes;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gathers the automatic facts cheaply, from files under a root (for tests) and without spawning a
 * process or asking DNS: {@code hostname} (kernel host name up to the first dot, like {@code
 * hostname -s}), {@code fqdn} (the canonical name of the host's line in /etc/hosts, as {@code
 * hostname -f} finds it there, else the kernel host name: never a DNS query, so never slow), {@code
 * ipaddress} (first non-loopback IPv4: interfaces by index on the real root, else from
 * /proc/net/fib_trie), {@code cpus} (/sys/devices/system/cpu/online, else the JVM's count), {@code
 * memory_mb} (MemTotal of /proc/meminfo), {@code os_release} (/etc/os-release as a map with its own
 * keys, e.g. {@code ID}, {@code VERSION_ID}) and {@code agent_version}. A fact that cannot be found
 * is left out rather than guessed.
 */
public final class AutomaticFacts {
  private final Path root;
  private final Supplier<List<Inet4Address>> interfaceAddresses;

  AutomaticFacts(Path root, Supplier<List<Inet4Address>> interfaceAddresses) {
    this.root = root;
    this.interfaceAddresses = interfaceAddresses;
  }

  /** The facts of this host. */
  public static Map<String, Object> gather(String agentVersion) {
    return gather(Path.of("/"), agentVersion);
  }

  /**
   * The facts read from files under {@code root}; network interfaces are asked only when {@code
   * root} is {@code /}.
   */
  public static Map<String, Object> gather(Path root, String agentVersion) {
    Supplier<List<Inet4Address>> nics =
        root.toAbsolutePath().normalize().equals(Path.of("/")) ? new Interfaces() : NO_INTERFACES;
    return new AutomaticFacts(root, nics).collect(agentVersion);
  }

  Map<String, Object> collect(String agentVersion) {
    Map<String, Object> facts = new LinkedHashMap<>();
    Optional<String> kernelName = hostname();
    if (kernelName.isPresent()) {
      String h = kernelName.get();
      int dot = h.indexOf('.');
      facts.put("hostname", dot > 0 ? h.substring(0, dot) : h);
      facts.put("fqdn", fqdn(h));
    }
    Optional<String> ip = ipaddress();
    if (ip.isPresent()) {
      facts.put("ipaddress", ip.get());
    }
    facts.put("cpus", cpus());
    Optional<Long> memory = memoryMb();
    if (memory.isPresent()) {
      facts.put("memory_mb", memory.get());
    }
    Map<String, Object> os = osRelease();
    if (!os.isEmpty()) {
      facts.put("os_release", os);
    }
    if (agentVersion != null) {
      facts.put("agent_version", agentVersion);
    }
    return facts;
  }

  private Path file(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  private Optional<List<String>> lines(String absolute) {
    try {
      return Optional.of(Files.readAllLines(file(absolute), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<String> firstLine(String absolute) {
    for (String line : lines(absolute).orElse(List.of())) {
      String s = line.strip();
      if (!s.isEmpty()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  Optional<String> hostname() {
    Optional<String> h = firstLine("/proc/sys/kernel/hostname");
    return h.isPresent() ? h : firstLine("/etc/hostname");
  }

  String fqdn(String hostname) {
    String shortName =
        hostname.contains(".") ? hostname.substring(0, hostname.indexOf('.')) : hostname;
    for (String line : lines("/etc/hosts").orElse(List.of())) {
      int hash = line.indexOf('#');
      String[] f = (hash >= 0 ? line.substring(0, hash) : line).strip().split("\\s+", -1);
      if (f.length < 2 || f[1].startsWith("localhost")) {
        continue;
      }
      for (int i = 1; i < f.length; i++) {
        if (f[i].equals(hostname) || f[i].equals(shortName)) {
          return f[1];
        }
      }
    }
    return hostname;
  }

  Optional<String> ipaddress() {
    for (Inet4Address a : interfaceAddresses.get()) {
      if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
        return Optional.of(a.getHostAddress());
      }
    }
    return fibTrieAddress();
  }

  /** The first address the kernel marks {@code /32 host LOCAL}, loopback excepted. */
  Optional<String> fibTrieAddress() {
    List<String> lines = lines("/proc/net/fib_trie").orElse(List.of());
    String last = null;
    for (String line : lines) {
      String s = line.strip();
      if (s.startsWith("|--")) {
        last = s.substring(3).strip();
      } else if (s.startsWith("/32 host LOCAL") && last != null) {
        if (!last.startsWith("127.") && !last.startsWith("169.254.")) {
          return Optional.of(last);
        }
      }
    }
    return Optional.empty();
  }

  private static final Supplier<List<Inet4Address>> NO_INTERFACES = new NoInterfaces();

  private static final Comparator<NetworkInterface> BY_INDEX = new ByIndex();

  /** The interfaces' IPv4 addresses, asked of the kernel. */
  private static final class Interfaces implements Supplier<List<Inet4Address>> {
    @Override
    public List<Inet4Address> get() {
      return interfaceAddresses();
    }
  }

  /** No interfaces to ask (facts read under another root than /). */
  private static final class NoInterfaces implements Supplier<List<Inet4Address>> {
    @Override
    public List<Inet4Address> get() {
      return List.of();
    }
  }

  /** Interfaces in the kernel's order. */
  private static final class ByIndex implements Comparator<NetworkInterface> {
    @Override
    public int compare(NetworkInterface a, NetworkInterface b) {
      return Integer.compare(a.getIndex(), b.getIndex());
    }
  }

  private static List<Inet4Address> interfaceAddresses() {
    List<Inet4Address> out = new ArrayList<>();
    try {
      List<NetworkInterface> nics = Collections.list(NetworkInterface.getNetworkInterfaces());
      nics.sort(BY_INDEX);
      for (NetworkInterface nic : nics) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address v4) {
            out.add(v4);
          }
        }
      }
    } catch (SocketException | RuntimeException e) {
      // No interfaces to ask: /proc/net/fib_trie is the fallback.
    }
    return out;
  }

  long cpus() {
    Optional<String> online = firstLine("/sys/devices/system/cpu/online");
    if (online.isPresent()) {
      try {
        long n = 0;
        for (String range : online.get().split(",", -1)) {
          if (range.isBlank()) {
            continue;
          }
          String[] ends = range.strip().split("-", -1);
          n += ends.length == 1 ? 1 : Long.parseLong(ends[1]) - Long.parseLong(ends[0]) + 1;
        }
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Unreadable list: fall back to the JVM's view.
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  Optional<Long> memoryMb() {
    for (String line : lines("/proc/meminfo").orElse(List.of())) {
      if (line.startsWith("MemTotal:")) {
        String[] f = line.substring("MemTotal:".length()).strip().split("\\s+", -1);
        try {
          return Optional.of(Long.parseLong(f[0]) / 1024);
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  Map<String, Object> osRelease() {
    Optional<List<String>> lines = lines("/etc/os-release");
    if (lines.isEmpty()) {
      lines = lines("/usr/lib/os-release");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String line : lines.orElse(List.of())) {
      String s = line.strip();
      int eq = s.indexOf('=');
      if (s.startsWith("#") || eq <= 0) {
        continue;
      }
      out.put(s.substring(0, eq), unquote(s.substring(eq + 1)));
    }
    return out;
  }

  /** os-release values are shell-quoted: strip one level of quotes and backslash escapes. */
  static String unquote(String v) {
    if (v.length() >= 2
        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      char q = v.charAt(0);
      String inner = v.substring(1, v.length() - 1);
      if (q == '\'') {
        return inner;
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < inner.length(); i++) {
        char c = inner.charAt(i);
        if (c == '\\' && i + 1 < inner.length() && "\"\\$`".indexOf(inner.charAt(i + 1)) >= 0) {
          c = inner.charAt(++i);
        }
        sb.append(c);
      }
      return sb.toString();
    }
    return v;
  }
}
