package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input and a full disk on a real host: the old config.yml stays complete, the service keeps
 * running untouched, the run fails with a clear message, and the next good run recovers.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigFaultsSandboxIT {
  private static final String ETC = "/opt/warehouse/etc";

  @Test
  @Order(1)
  void invalidAttributesChangeNothing(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    host.publish(host.buildWarehouse("18.09.01"));
    agent.configure(
        AgentInSandbox.standardConfig(host.server().uri().toString(), ""),
        Map.of("10-warehouse.yml", "warehouse:\n  config:\n    site: pypi\n"));
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    String config = host.sandbox().readFile(AgentInSandbox.CONFIG_YML);
    long pid = agent.mainPid();

    host.sandbox()
        .writeFile(AgentInSandbox.ATTRIBUTES + "/20-bad.yml", "warehouse:\n  config: [unclosed\n");
    ExecResult syntax = agent.converge();
    assertThat(syntax.exitCode()).isEqualTo(78);
    assertThat(syntax.stderr())
        .contains(AgentInSandbox.ATTRIBUTES + "/20-bad.yml:3:1", "nothing changed");

    host.sandbox()
        .writeFile(
            AgentInSandbox.ATTRIBUTES + "/20-bad.yml", "warehouse:\n  config: just-a-string\n");
    ExecResult conflict = agent.converge();
    assertThat(conflict.exitCode()).isEqualTo(78);
    assertThat(conflict.stderr()).contains("warehouse.config", "10-warehouse.yml", "20-bad.yml");

    host.sandbox()
        .writeFile(
            AgentInSandbox.ATTRIBUTES + "/20-bad.yml",
            "warehouse:\n  config:\n    db: !secret nope\n");
    ExecResult secret = agent.converge();
    assertThat(secret.exitCode()).isEqualTo(78);
    assertThat(secret.stderr()).contains("nope");

    assertThat(host.sandbox().readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
    assertThat(agent.mainPid()).isEqualTo(pid);
    assertThat(agent.run("status").stdout()).contains("invalid input, nothing changed");

    host.sandbox().exec(List.of("rm", AgentInSandbox.ATTRIBUTES + "/20-bad.yml")).requireSuccess();
    assertThat(agent.converge().exitCode()).isZero();
  }

  @Test
  @Order(2)
  void aFullDiskKeepsTheOldConfigAndTheNextRunRecovers(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    String config = host.sandbox().readFile(AgentInSandbox.CONFIG_YML);
    long pid = agent.mainPid();
    // A 64 KiB filesystem under the config, holding the current file and a filler that leaves
    // less room than the new render needs.
    host.sandbox()
        .exec(
            List.of(
                "sh",
                "-c",
                "set -e; cp -a "
                    + ETC
                    + " /tmp/etc-copy; mount -t tmpfs -o size=64k tmpfs "
                    + ETC
                    + "; cp -a /tmp/etc-copy/. "
                    + ETC
                    + "/;"
                    + " dd if=/dev/zero of="
                    + ETC
                    + "/filler bs=1k count=1000 2>/dev/null || true"))
        .requireSuccess();
    String big = "x".repeat(8000);
    host.sandbox()
        .writeFile(
            AgentInSandbox.ATTRIBUTES + "/30-big.yml",
            "warehouse:\n  config:\n    banner: " + big + "\n");

    ExecResult full = agent.converge();

    assertThat(full.exitCode()).as(full.toString()).isEqualTo(4);
    assertThat(full.stdout()).contains("No space left on device", AgentInSandbox.CONFIG_YML);
    assertThat(host.sandbox().readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
    assertThat(host.sandbox().checkOutput("ls", "-A", ETC)).doesNotContain("tmp");
    assertThat(agent.mainPid()).isEqualTo(pid);

    host.sandbox().exec(List.of("rm", ETC + "/filler")).requireSuccess();
    ExecResult recovered = agent.converge();
    assertThat(recovered.exitCode()).as(recovered.toString()).isEqualTo(2);
    assertThat(host.sandbox().readFile(AgentInSandbox.CONFIG_YML)).contains(big);
    assertThat(agent.mainPid()).isNotEqualTo(pid);
  }
}
