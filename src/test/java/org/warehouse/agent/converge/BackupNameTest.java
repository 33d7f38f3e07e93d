package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backup directory of each config file: one per path, never shared. */
class BackupNameTest {
  @Test
  void pathsThatOnlyDifferInWhereASlashOrUnderscoreIsGetTheirOwnBackups() {
    assertThat(HostPlanFactory.backupName(Path.of("/a/b_c/x.yml")))
        .isNotEqualTo(HostPlanFactory.backupName(Path.of("/a_b/c/x.yml")));
    assertThat(HostPlanFactory.backupName(Path.of("/a_/b")))
        .isNotEqualTo(HostPlanFactory.backupName(Path.of("/a/_b")));
    assertThat(HostPlanFactory.backupName(Path.of("/a%5Fb")))
        .isNotEqualTo(HostPlanFactory.backupName(Path.of("/a_b")));
  }

  @Test
  void aPathWithoutUnderscoreOrPercentKeepsItsEarlierName() {
    assertThat(HostPlanFactory.backupName(Path.of("/opt/warehouse/etc/config.yml")))
        .isEqualTo("opt_warehouse_etc_config.yml");
  }

  @Test
  void theNameIsOneToOneOverRandomPaths() {
    Random random = new Random(20261207L);
    String alphabet = "ab_/%5F.";
    Map<String, Path> seen = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      StringBuilder sb = new StringBuilder("/");
      int n = 1 + random.nextInt(8);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Path p = Path.of(sb.toString()); // normalises "//" and a trailing "/"
      String name = HostPlanFactory.backupName(p);
      assertThat(name).doesNotContain("/");
      Path before = seen.putIfAbsent(name, p);
      assertThat(before == null || before.equals(p)).as(p + " and " + before).isTrue();
    }
  }
}
