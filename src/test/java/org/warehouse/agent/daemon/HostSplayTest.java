package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSplayTest {
  private static final Duration SPLAY = Duration.ofMinutes(5);

  @TempDir Path dir;

  @Test
  void theSameHostAlwaysGetsTheSameOffsetInsideTheWindow() {
    Duration a = HostSplay.offset("0f1e2d3c4b5a69788796a5b4c3d2e1f0", SPLAY);
    assertThat(HostSplay.offset("0f1e2d3c4b5a69788796a5b4c3d2e1f0", SPLAY)).isEqualTo(a);
    assertThat(a).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(SPLAY);
  }

  @Test
  void aFleetOfSimilarNamesSpreadsEvenlyOverTheWindow() {
    int hosts = 10_000;
    int buckets = 10;
    int[] counts = new int[buckets];
    for (int i = 0; i < hosts; i++) {
      Duration d = HostSplay.offset(String.format("web-%04d.pypi.internal", i), SPLAY);
      assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(SPLAY);
      counts[(int) (d.toMillis() * buckets / SPLAY.toMillis())]++;
    }
    // Uniform would be 1,000 a bucket; a 4-sigma band (sigma ~ 30) leaves no room for clumping.
    for (int c : counts) {
      assertThat(c).isBetween(880, 1120);
    }
    // Neighbouring names do not land next to each other.
    long gap =
        Math.abs(
            HostSplay.offset("web-0001.pypi.internal", SPLAY).toMillis()
                - HostSplay.offset("web-0002.pypi.internal", SPLAY).toMillis());
    assertThat(gap).isGreaterThan(1000);
  }

  @Test
  void noSplayMeansNoOffset() {
    assertThat(HostSplay.offset("anything", Duration.ZERO)).isEqualTo(Duration.ZERO);
  }

  @Test
  void theKeyIsTheMachineIdElseTheHostname() throws Exception {
    Path machineId = dir.resolve("machine-id");
    Path hostname = dir.resolve("hostname");
    Files.writeString(hostname, "web-7\n");
    assertThat(HostSplay.hostKey(machineId, hostname)).isEqualTo("web-7");
    Files.writeString(machineId, "\n");
    assertThat(HostSplay.hostKey(machineId, hostname)).isEqualTo("web-7");
    Files.writeString(machineId, "4b1d6f0c2a7e4e0b9c8d7e6f5a4b3c2d\n");
    assertThat(HostSplay.hostKey(machineId, hostname))
        .isEqualTo("4b1d6f0c2a7e4e0b9c8d7e6f5a4b3c2d");
  }
}
