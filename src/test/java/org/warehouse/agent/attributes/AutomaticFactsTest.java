package org.warehouse.agent.attributes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutomaticFactsTest {
  @TempDir Path root;

  private void file(String path, String text) throws IOException {
    Path p = root.resolve(path.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private static final String FIB_TRIE =
      """
      Main:
        +-- 0.0.0.0/0 3 0 5
           |-- 0.0.0.0
              /0 universe UNICAST
           +-- 127.0.0.0/8 2 0 2
              |-- 127.0.0.1
                 /32 host LOCAL
           +-- 10.0.2.0/24 2 0 2
              |-- 10.0.2.0
                 /24 link UNICAST
              |-- 10.0.2.15
                 /32 host LOCAL
              |-- 10.0.2.255
                 /32 link BROADCAST
      """;

  @Test
  void gathersFactsFromFilesUnderRoot() throws IOException {
    file("/proc/sys/kernel/hostname", "web1\n");
    file("/etc/hosts", "127.0.0.1 localhost\n127.0.1.1 web1.example.org web1 # debian\n");
    file("/proc/net/fib_trie", FIB_TRIE);
    file("/sys/devices/system/cpu/online", "0-3,6\n");
    file("/proc/meminfo", "MemTotal:       16318600 kB\nMemFree:  1 kB\n");
    file(
        "/etc/os-release",
        """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        ID=debian
        VERSION_ID="12"
        # comment
        QUOTED='a "b"'
        ESC="x\\"y\\\\z"
        """);
    Map<String, Object> facts = AutomaticFacts.gather(root, "26.11.01");
    assertThat(facts)
        .containsEntry("hostname", "web1")
        .containsEntry("fqdn", "web1.example.org")
        .containsEntry("ipaddress", "10.0.2.15")
        .containsEntry("cpus", 5L)
        .containsEntry("memory_mb", 15936L)
        .containsEntry("agent_version", "26.11.01");
    assertThat(facts.get("os_release"))
        .isEqualTo(
            Map.of(
                "PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)",
                "ID", "debian",
                "VERSION_ID", "12",
                "QUOTED", "a \"b\"",
                "ESC", "x\"y\\z"));
    assertThat(facts.keySet())
        .containsExactly(
            "hostname", "fqdn", "ipaddress", "cpus", "memory_mb", "os_release", "agent_version");
  }

  @Test
  void fallsBackAndLeavesOutWhatIsMissing() throws IOException {
    file("/etc/hostname", "db2.example.org\n");
    Map<String, Object> facts = AutomaticFacts.gather(root, null);
    assertThat(facts).containsEntry("hostname", "db2").containsEntry("fqdn", "db2.example.org");
    assertThat(facts).doesNotContainKeys("ipaddress", "memory_mb", "os_release", "agent_version");
    assertThat((Long) facts.get("cpus")).isPositive();
    file("/usr/lib/os-release", "ID=debian\n");
    assertThat(AutomaticFacts.gather(root, null).get("os_release"))
        .isEqualTo(Map.of("ID", "debian"));
  }

  @Test
  void interfaceAddressesComeFirstAndSkipLoopbackAndLinkLocal() throws IOException {
    file("/proc/net/fib_trie", FIB_TRIE);
    List<Inet4Address> nics = List.of(v4(127, 0, 0, 1), v4(169, 254, 1, 1), v4(192, 0, 2, 7));
    assertThat(new AutomaticFacts(root, () -> nics).ipaddress()).contains("192.0.2.7");
    assertThat(new AutomaticFacts(root, List::of).ipaddress()).contains("10.0.2.15");
  }

  private static Inet4Address v4(int a, int b, int c, int d) throws IOException {
    return (Inet4Address)
        InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
  }

  @Test
  void realHostIsQuickAndHasTheBasics() {
    long start = System.nanoTime();
    Map<String, Object> facts = AutomaticFacts.gather("test");
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    assertThat(facts).containsKeys("hostname", "fqdn", "cpus", "memory_mb", "agent_version");
  }
}
