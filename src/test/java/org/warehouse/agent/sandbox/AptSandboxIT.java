package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Packages from a real signed repository under faults: ordering as dpkg orders, pins, repository
 * down / 500 / hanging / signed by an unknown key, the dpkg lock held, dpkg killed mid-install.
 * Each fault: the run fails with a clear reason, the host keeps its version, the next run recovers.
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

  @Test
  @Order(4)
  void repositoryFaultsFailFastChangeNothingAndTheNextRunRecovers(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    host.publish(
        host.buildWarehouse("18.09.01"),
        host.buildWarehouse("18.09.02"),
        host.buildWarehouse("18.09.03"));
    for (RepositoryServer.Fault fault :
        List.of(
            RepositoryServer.Fault.DOWN,
            RepositoryServer.Fault.STATUS_500,
            RepositoryServer.Fault.HANG)) {
      host.server().setFault(fault);
      ExecResult run = agent.converge();
      host.server().setFault(RepositoryServer.Fault.NONE);
      assertThat(run.exitCode()).as(fault + ": " + run).isEqualTo(4);
      assertThat(run.stdout())
          .as(fault.toString())
          .containsAnyOf("unreachable", "answered HTTP 500", "did not answer within 5s");
      assertThat(run.elapsed()).as(fault.toString()).isLessThan(Duration.ofSeconds(30));
      assertThat(agent.installedVersion()).as(fault.toString()).isEqualTo("18.09.02");
    }
    ExecResult recovered = agent.converge();
    assertThat(recovered.exitCode()).as(recovered.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.03");
  }

  @Test
  @Order(5)
  void aRepositorySignedByAnUnknownKeyInstallsNothing(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    host.publish(host.buildWarehouse("18.09.03"), host.buildWarehouse("18.09.04"));
    host.repository().resignWithUnknownKey();

    ExecResult run = agent.converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
    assertThat(run.stdout()).contains("repository signature cannot be verified: NO_PUBKEY");
    assertThat(agent.installedVersion()).isEqualTo("18.09.03");
    // Signed again with the trusted key: the next run installs.
    host.publish(host.buildWarehouse("18.09.03"), host.buildWarehouse("18.09.04"));
    assertThat(agent.converge().exitCode()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.04");
  }

  @Test
  @Order(6)
  void aHeldDpkgLockMakesTheRunWaitThenFailClearly(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    SandboxProcess holder =
        host.sandbox()
            .startBackground(
                List.of(
                    "/usr/bin/python3",
                    "-c",
                    """
                    import fcntl, time
                    f = open('/var/lib/dpkg/lock-frontend', 'w')
                    fcntl.lockf(f, fcntl.LOCK_EX)
                    print('locked', flush=True)
                    time.sleep(120)
                    """));
    try {
      Await.until(
          "the lock holder to lock",
          Duration.ofSeconds(10),
          () -> holder.stdoutSoFar().contains("locked"));
      host.publish(host.buildWarehouse("18.09.04"), host.buildWarehouse("18.09.05"));

      ExecResult run = agent.converge();

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
      assertThat(run.stdout()).contains("dpkg lock is held by another process");
      assertThat(run.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(agent.installedVersion()).isEqualTo("18.09.04");
      assertThat(host.sandbox().checkOutput("dpkg", "--audit")).isEmpty();
    } finally {
      holder.close();
    }
    ExecResult recovered = agent.converge();
    assertThat(recovered.exitCode()).as(recovered.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.05");
  }

  @Test
  @Order(7)
  void dpkgKilledMidInstallIsRepairedByTheNextRun(SandboxHost host) {
    AgentInSandbox agent = agent(host);
    host.publish(
        host.buildWarehouse("18.09.05"),
        PackageBuilder.warehouse("18.09.06")
            .kind(PackageKind.SLOW_POSTINST)
            .seconds(8)
            .buildInto(host.debsDir()));
    host.sandbox().exec(List.of("rm", "-f", "/run/warehouse-fixture/postinst.pid"));
    SandboxProcess converge =
        host.sandbox()
            .startBackground(
                List.of(
                    System.getProperty("agent.launcher"),
                    "converge",
                    "--now",
                    "--config",
                    AgentInSandbox.CONFIG));
    Await.until(
        "the slow postinst to start",
        Duration.ofSeconds(60),
        () ->
            host.sandbox()
                .exec(List.of("test", "-s", "/run/warehouse-fixture/postinst.pid"))
                .succeeded());
    List<String> pids =
        List.of(
            host.sandbox().readFile("/run/warehouse-fixture/postinst.pid").strip().split(" ", -1));
    // The second is dpkg, running the postinst: kill it as a power cut or OOM kill would.
    host.sandbox().exec(List.of("kill", "-9", pids.get(1))).requireSuccess();
    ExecResult interrupted = converge.waitFor(Duration.ofSeconds(60));
    assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(1);
    assertThat(host.sandbox().exec(List.of("dpkg", "--audit")).stdout()).contains("warehouse");

    host.sandbox().exec(List.of("rm", "-f", "/run/warehouse-fixture/postinst.pid"));
    ExecResult repaired = agent.converge();

    assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.06");
    assertThat(host.sandbox().checkOutput("dpkg", "--audit")).isEmpty();
    assertThat(
            host.sandbox().checkOutput("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "warehouse"))
        .startsWith("ii");
  }
}
