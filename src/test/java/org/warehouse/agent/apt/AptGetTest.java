package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.FakeCommandRunner;

class AptGetTest {
  private static final List<String> CONFINED =
      List.of(
          "-o", "Dir::Etc::sourcelist=/etc/apt/sources.list.d/warehouse-agent.list",
          "-o", "Dir::Etc::sourceparts=-",
          "-o", "APT::Get::List-Cleanup=0",
          "-o", "Dir::Cache::pkgcache=",
          "-o", "Dir::Cache::srcpkgcache=",
          "-o", "DPkg::Lock::Timeout=120");
  private final AptConfig config =
      new AptConfig(
          Path.of("/etc/apt/sources.list.d/warehouse-agent.list"),
          Duration.ofSeconds(120),
          Duration.ofSeconds(60),
          Duration.ofMinutes(30));
  private final FakeCommandRunner fake = new FakeCommandRunner();
  private final AptGet apt = new AptGet(fake, config);

  private static List<String> argv(List<String> head, List<String> tail) {
    List<String> out = new ArrayList<>(head);
    out.addAll(CONFINED);
    out.addAll(tail);
    return out;
  }

  @Test
  void installIsConfinedNonInteractiveKeepsConffilesAndNeverRemoves() throws Exception {
    fake.on(List.of("apt-get"), 0, "", "");

    apt.installSet(List.of("warehouse=1:18.09.02~rc1-1"));

    Command c = fake.commands().get(0);
    assertThat(c.argv())
        .isEqualTo(
            argv(
                List.of("apt-get", "-q", "-y"),
                List.of(
                    "-o",
                    "Dpkg::Options::=--force-confdef",
                    "-o",
                    "Dpkg::Options::=--force-confold",
                    "--allow-downgrades",
                    "--no-remove",
                    "install",
                    "--",
                    "warehouse=1:18.09.02~rc1-1")));
    assertThat(c.env())
        .containsEntry("DEBIAN_FRONTEND", "noninteractive")
        .containsEntry("LC_ALL", "C");
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(String.join(" ", c.argv()))
        .doesNotContain("allow-unauthenticated", "trusted=yes", "allow-insecure", "AllowInsecure");
  }

  @Test
  void theSimulationShowsRemovalsWhichTheRealInstallMayOnlyMakeWhenNamed() throws Exception {
    fake.on(List.of("apt-get"), 0, "Inst app [1] (2 stable [all])\nRemv bin [1]\n", "");

    Transaction t = apt.simulate(List.of("app=2", "cat=1"));
    apt.installSet(List.of("app=2", "cat=1"));
    apt.installSet(List.of("app=2", "dog-", "/var/lib/warehouse-agent/packages/egg_1_all.deb"));

    assertThat(t.changes())
        .extracting(PackageChange::describe)
        .containsExactly("app 1 -> 2", "bin 1 removed");
    assertThat(fake.argvs().get(0)).contains("-s").doesNotContain("--no-remove");
    assertThat(fake.argvs().get(1)).contains("--no-remove").doesNotContain("-s");
    assertThat(fake.argvs().get(2))
        .doesNotContain("--no-remove")
        .endsWith(
            "install", "--", "app=2", "dog-", "/var/lib/warehouse-agent/packages/egg_1_all.deb");
    assertThatThrownBy(() -> apt.installSet(List.of("app")))
        .hasMessage("refusing a package without a version: app");
    assertThatThrownBy(() -> apt.installSet(List.of("/tmp/../etc/x.deb")))
        .hasMessage("refusing invalid package file: /tmp/../etc/x.deb");
  }

  @Test
  void aMaintainerScriptFailureIsToldInDpkgsWordsWithTheScriptsLastLine() {
    fake.on(
        List.of("apt-get"),
        100,
        "Setting up warehouse-common (18.09.04) ...\nwarehouse-common 18.09.04: simulated postinst"
            + " failure\ndpkg: error processing package warehouse-common (--configure):\n installed"
            + " warehouse-common package post-installation script subprocess returned error exit"
            + " status 1\nErrors were encountered while processing:\n warehouse-common\n",
        "E: Sub-process /usr/bin/dpkg returned an error code (1)\n");

    assertThatThrownBy(() -> apt.installSet(List.of("warehouse-common=18.09.04")))
        .hasMessage(
            "installing warehouse-common=18.09.04 failed: dpkg failed: warehouse-common 18.09.04:"
                + " simulated postinst failure | dpkg: error processing package warehouse-common"
                + " (--configure): | installed warehouse-common package post-installation script"
                + " subprocess returned error exit status 1");
  }

  @Test
  void updateIsConfinedToTheAgentsList() throws Exception {
    fake.on(List.of("apt-get"), 0, "Hit:1 http://127.0.0.1 stable InRelease\n", "");
    apt.update();
    assertThat(fake.argvs().get(0)).isEqualTo(argv(List.of("apt-get", "-q"), List.of("update")));
  }

  @Test
  void invalidNamesAndVersionsNeverReachArgv() {
    assertThatThrownBy(() -> apt.installSet(List.of("-oDir=/tmp=1.0")))
        .isInstanceOf(AptException.class);
    assertThatThrownBy(() -> apt.installSet(List.of("warehouse=1.0 --force")))
        .isInstanceOf(AptException.class)
        .hasMessage("refusing invalid version: warehouse=1.0 --force");
    assertThatThrownBy(() -> apt.policy("Warehouse")).isInstanceOf(AptException.class);
    assertThat(fake.commands()).isEmpty();
  }

  @Test
  void updateWarningsAboutUnreachableRepositoriesAreFailures() {
    fake.on(
        List.of("apt-get"),
        0,
        "Err:1 http://127.0.0.1:1/ stable InRelease\n  Could not connect to 127.0.0.1:1 (127.0.0.1). - connect (111: Connection refused)\n",
        "W: Failed to fetch http://127.0.0.1:1/dists/stable/InRelease  Could not connect to 127.0.0.1:1 (127.0.0.1). - connect (111: Connection refused)\nW: Some index files failed to download. They have been ignored, or old ones used instead.\n");
    assertThatThrownBy(apt::update)
        .isInstanceOf(AptException.class)
        .hasMessageStartingWith(
            "apt-get update failed: repository unreachable: Could not connect to 127.0.0.1:1");
  }

  @Test
  void signatureProblemsAreNamed() {
    fake.on(
        List.of("apt-get"),
        100,
        "",
        "W: GPG error: http://127.0.0.1:18083 stable InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 8A1B2C3D4E5F6A7B\nE: The repository 'http://127.0.0.1:18083 stable InRelease' is not signed.\n");
    assertThatThrownBy(apt::update)
        .hasMessageContaining(
            "repository signature cannot be verified: NO_PUBKEY 8A1B2C3D4E5F6A7B");
  }

  @Test
  void lockTimeoutsAreNamedWithTheHolder() {
    fake.on(
        List.of("apt-get"),
        100,
        "",
        "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (sleep)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n");
    assertThatThrownBy(() -> apt.installSet(List.of("warehouse=18.09.02")))
        .hasMessage(
            "installing warehouse=18.09.02 failed: dpkg lock is held by another process (pid 4242,"
                + " sleep); gave up after the lock timeout (apt.lock_timeout)");
  }

  @Test
  void vanishedVersionsAreNamed() {
    fake.on(List.of("apt-get"), 100, "", "E: Version '18.09.03' for 'warehouse' was not found\n");
    assertThatThrownBy(() -> apt.installSet(List.of("warehouse=18.09.03")))
        .hasMessageEndingWith("version 18.09.03 of warehouse is not in the repository (vanished?)");
  }

  @Test
  void dpkgErrorsCarryTheirLastLines() {
    fake.on(
        List.of("apt-get"),
        100,
        "Setting up warehouse (18.09.02) ...\n",
        "dpkg: error processing package warehouse (--configure):\n installed warehouse package post-installation script subprocess returned error exit status 1\nErrors were encountered while processing:\n warehouse\nE: Sub-process /usr/bin/dpkg returned an error code (1)\n");
    assertThatThrownBy(() -> apt.installSet(List.of("warehouse=18.09.02")))
        .hasMessageContaining("dpkg failed:")
        .hasMessageContaining("post-installation script subprocess returned error exit status 1");
  }

  @Test
  void timeoutsAreNamed() {
    fake.timeoutOn(List.of("apt-get"));
    assertThatThrownBy(apt::update)
        .hasMessage("apt-get update failed: apt-get timed out after 60s");
  }

  @Test
  void policyIsParsed() throws Exception {
    fake.on(
        List.of("apt-cache"),
        0,
        """
        warehouse:
          Installed: 18.09.01
          Candidate: 18.09.10
          Version table:
             18.09.10 500
                500 http://127.0.0.1:18083 stable/main amd64 Packages
             18.09.9 500
                500 http://127.0.0.1:18083 stable/main amd64 Packages
         *** 18.09.01 100
                100 /var/lib/dpkg/status
        """,
        "");
    PackagePolicy p = apt.policy("warehouse");
    assertThat(fake.argvs().get(0))
        .isEqualTo(argv(List.of("apt-cache"), List.of("policy", "--", "warehouse")));
    assertThat(p.candidate()).contains("18.09.10");
    assertThat(p.available()).containsExactly("18.09.10", "18.09.9");
  }

  @Test
  void policyOfAnUnknownPackageHasNoCandidate() {
    assertThat(PackagePolicy.parse("").candidate()).isEmpty();
    assertThat(
            PackagePolicy.parse(
                    "foo:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n")
                .candidate())
        .isEmpty();
  }
}
