package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Packages from a real signed repository, converged in-process: ordering as dpkg orders, pins, a
 * held package. The repository and dpkg faults are rows of {@link FaultMatrixSandboxIT}.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AptSandboxIT {
  private static final String CONFIG_ATTRS = "warehouse:\n  config:\n    site: pypi\n";

  private static AgentInSandbox agent(SandboxHost host) {
    return new AgentInSandbox(host);
  }

  private static void configure(SandboxHost host, String packagesVersion) {
    String yml =
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("version: latest", "version: " + packagesVersion);
    agent(host).configure(yml, Map.of("10-warehouse.yml", CONFIG_ATTRS));
  }

  @Test
  @Order(1)
  void versionsOrderAsDpkgOrdersThem(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    configure(host, "latest");
    host.publish(host.buildWarehouse("18.09.2~rc1"));
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.2~rc1");

    // ~rc sorts before the release; 18.09.10 after 18.09.9.
    host.publish(host.buildWarehouse("18.09.2~rc1"), host.buildWarehouse("18.09.2"));
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.2");

    host.publish(host.buildWarehouse("18.09.9"), host.buildWarehouse("18.09.10"));
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.10");

    // An epoch beats any version without one.
    host.publish(host.buildWarehouse("18.09.10"), host.buildWarehouse("1:17.01.01"));
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("1:17.01.01");
    assertThat(agent.converge().exitCode()).isZero();
  }

  @Test
  @Order(2)
  void aPinInstallsExactlyThatVersionAndUnpinningReturnsToNewest(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    host.publish(host.buildWarehouse("18.09.01"), host.buildWarehouse("18.09.02"));
    configure(host, "latest");
    // The epoch version installed before is newer than anything here: no downgrade unpinned.
    ExecResult unpinned = agent.converge();
    assertThat(unpinned.exitCode()).as(unpinned.toString()).isZero();
    assertThat(agent.installedVersion()).isEqualTo("1:17.01.01");

    configure(host, "\"18.09.01\"");
    ExecResult pinned = agent.converge();
    assertThat(pinned.exitCode()).as(pinned.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.01");
    assertThat(agent.converge().exitCode()).isZero();

    configure(host, "latest");
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.02");
  }

  @Test
  @Order(3)
  void aHeldPackageIsLeftAloneAndReported(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    host.sandbox().checkOutput("apt-mark", "hold", "warehouse");
    host.publish(host.buildWarehouse("18.09.02"), host.buildWarehouse("18.09.03"));

    ExecResult held = agent.converge("--verbose");

    assertThat(held.exitCode()).as(held.toString()).isZero();
    assertThat(held.stderr()).contains("package:warehouse unchanged", "held: left alone");
    assertThat(agent.installedVersion()).isEqualTo("18.09.02");
    host.sandbox().checkOutput("apt-mark", "unhold", "warehouse");
    host.publish(host.buildWarehouse("18.09.02"));
  }
}
