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
 * The built agent on a sandboxed host with a release to install, fed input that converge used to
 * act on: every one is refused by check-config and by converge alike (exit 78), before apt, dpkg or
 * any file is touched.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputSandboxIT {
  private static final Map<String, String> ATTRIBUTES =
      Map.of("10-warehouse.yml", "warehouse:\n  config:\n    site: pypi\n");
  private static final String AGENT_LIST = "/etc/apt/sources.list.d/warehouse-agent.list";

  private static void assertRefusedBeforeAnythingChanged(
      SandboxHost host, AgentInSandbox agent, String message) {
    ExecResult check = agent.run("check-config");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(78);
    assertThat(check.stderr()).contains(message);
    ExecResult converge = agent.converge();
    assertThat(converge.exitCode()).as(converge.toString()).isEqualTo(78);
    assertThat(converge.stderr()).contains(message);
    assertThat(agent.installedVersion()).isEmpty();
    assertThat(host.sandbox().exec(List.of("test", "-e", AGENT_LIST)).exitCode()).isOne();
    assertThat(host.sandbox().exec(List.of("test", "-e", AgentInSandbox.CONFIG_YML)).exitCode())
        .isOne();
  }

  @Test
  @Order(1)
  void aSetuidModeIsRefusedBeforeThePackageIsInstalled(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    host.publish(host.buildWarehouse("18.09.01"));
    agent.configure(
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("mode: \"0640\"", "mode: \"4755\""),
        ATTRIBUTES);
    assertRefusedBeforeAnythingChanged(
        host, agent, "config_files[0].mode: \"4755\" sets setuid, setgid or sticky bits");
  }

  @Test
  @Order(2)
  void aSignedByCarryingAptOptionsIsRefused(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    agent.configure(
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace(
                "signed_by: " + AgentInSandbox.KEY,
                "signed_by: \"" + AgentInSandbox.KEY + " trusted=yes\""),
        ATTRIBUTES);
    assertRefusedBeforeAnythingChanged(
        host, agent, "must be an absolute path without whitespace, brackets, commas or '#'");
  }

  @Test
  @Order(3)
  void anAttributeFileOthersCanWriteAndALinkToShadowAreNotRead(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    agent.configure(AgentInSandbox.standardConfig(host.server().uri().toString(), ""), ATTRIBUTES);
    String file = AgentInSandbox.ATTRIBUTES + "/10-warehouse.yml";
    host.sandbox().checkOutput("chmod", "666", file);
    assertRefusedBeforeAnythingChanged(
        host, agent, file + " is writable by group or others (mode 0666); fix: chmod go-w " + file);

    host.sandbox().checkOutput("chmod", "644", file);
    String link = AgentInSandbox.ATTRIBUTES + "/00-shadow.yml";
    host.sandbox().checkOutput("ln", "-s", "/etc/shadow", link);
    host.sandbox().checkOutput("chown", "-h", "nobody", link);
    assertRefusedBeforeAnythingChanged(host, agent, "fix: chown -h root " + link);
    assertThat(agent.run("check-config").stderr()).doesNotContain("root:");
    host.sandbox().checkOutput("rm", link);
  }
}
