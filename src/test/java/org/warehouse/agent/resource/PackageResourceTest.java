package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.AptConfig;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.KeptPackages;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.exec.FakeCommandRunner;

class PackageResourceTest {
  @TempDir Path admin;
  @TempDir Path state;
  @TempDir Path archives;
  private final FakeCommandRunner fake = new FakeCommandRunner();
  private final AptGet apt =
      new AptGet(
          fake,
          new AptConfig(
              Path.of("/l.list"),
              Duration.ofSeconds(5),
              Duration.ofSeconds(5),
              Duration.ofSeconds(5)));

  private PackageResource resource(Optional<String> pin) {
    return resource(pin, fake);
  }

  private PackageResource resource(Optional<String> pin, CommandRunner runner) {
    AptGet a = new AptGet(runner, apt.config());
    Dpkg d = new Dpkg(runner, admin, Duration.ofSeconds(5));
    return new PackageResource(
        "warehouse",
        pin,
        a,
        d,
        quarantine(),
        new KeptPackages(state.resolve("packages"), archives, d, a));
  }

  private Quarantine quarantine() {
    return new Quarantine(
        state, Clock.fixed(Instant.parse("2018-09-14T10:00:00Z"), ZoneOffset.UTC));
  }

  private void installed(String version, String status, String want) {
    fake.on(List.of("dpkg-query"), 0, version + "\t" + status + "\t" + want + "\n", "");
  }

  private void policy(String candidate, String... available) {
    StringBuilder sb =
        new StringBuilder(
            "warehouse:\n  Installed: x\n  Candidate: " + candidate + "\n  Version table:\n");
    for (String v : available) {
      sb.append("     ")
          .append(v)
          .append(" 500\n        500 http://r stable/main amd64 Packages\n");
    }
    fake.on(List.of("apt-cache"), 0, sb.toString(), "");
  }

  private long installs() {
    return fake.argvs().stream()
        .filter(a -> a.contains("install") && !a.contains("--download-only"))
        .count();
  }

  @Test
  void upgradesToANewerCandidateComparedAsDebianVersions() throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.9", archives);
    host.available.addAll(List.of("18.09.10", "18.09.9"));
    PackageResource r = resource(Optional.empty(), host);

    Result result = r.checkApply(true);

    assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(result.before()).isEqualTo("18.09.9");
    assertThat(result.after()).isEqualTo("18.09.10");
    assertThat(host.installs()).hasSize(1);
    assertThat(host.installs().get(0)).endsWith("install", "--", "warehouse=18.09.10");
  }

  @Test
  void whyRunReportsTheUpgradeWithoutInstalling() throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.9", archives);
    host.available.addAll(List.of("18.09.10"));

    Result r = resource(Optional.empty(), host).checkApply(false);

    assertThat(r.outcome()).isEqualTo(Outcome.WOULD_CHANGE);
    assertThat(r.after()).isEqualTo("18.09.10");
    assertThat(r.detail()).isEqualTo("would install warehouse=18.09.10");
    assertThat(host.installs()).isEmpty();
  }

  @Test
  void anEqualOrOlderCandidateChangesNothing() throws Exception {
    installed("1:1.0", "ii ", "install");
    policy("2.0", "2.0");
    assertThat(resource(Optional.empty()).checkApply(true).outcome()).isEqualTo(Outcome.UNCHANGED);
    installed("1.0-0", "ii ", "install");
    policy("1.0", "1.0");
    assertThat(resource(Optional.empty()).checkApply(true).outcome()).isEqualTo(Outcome.UNCHANGED);
    installed("1.0", "ii ", "install");
    policy("1.0~rc1", "1.0~rc1");
    assertThat(resource(Optional.empty()).checkApply(true).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(installs()).isZero();
  }

  @Test
  void heldPackagesAreLeftAloneAndReported() throws Exception {
    installed("18.09.01", "hi ", "hold");
    Result r = resource(Optional.empty()).checkApply(true);
    assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(r.detail()).contains("held");
    assertThat(fake.argvs()).noneMatch(a -> a.get(0).startsWith("apt"));
  }

  @Test
  void aPinnedVersionMustBeInTheRepository() {
    installed("18.09.02", "ii ", "install");
    policy("18.09.02", "18.09.02");
    assertThatThrownBy(() -> resource(Optional.of("18.09.01")).checkApply(true))
        .isInstanceOf(ResourceException.class)
        .hasMessage(
            "pinned version 18.09.01 of warehouse is not in the repository (available: 18.09.02)");
  }

  @Test
  void aPinnedOlderVersionIsADowngradeInstall() throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.02", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));

    Result r = resource(Optional.of("18.09.01"), host).checkApply(true);

    assertThat(r.detail()).isEqualTo("downgraded to the pinned version");
    assertThat(host.installs())
        .singleElement()
        .satisfies(
            a -> assertThat(a).contains("--allow-downgrades").endsWith("warehouse=18.09.01"));
  }

  @Test
  void aSiblingSetMovesTogetherAndTheReportNamesEveryPackage() throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.02", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.dependsOf.put("18.09.02", "warehouse-common (= 18.09.02)");
    host.dependsOf.put("18.09.01", "warehouse-common (= 18.09.01)");
    host.others.put(
        "warehouse-common",
        new java.util.LinkedHashMap<>(
            java.util.Map.of("18.09.02", "libfoo1 (>= 1)", "18.09.01", "")));
    host.others.put("libfoo1", java.util.Map.of("1.0", ""));
    host.otherInstalled.put("warehouse-common", "18.09.02");
    host.otherInstalled.put("libfoo1", "1.0");

    PackageResource r = resource(Optional.of("18.09.01"), host);
    Result why = r.checkApply(false);
    Result done = r.checkApply(true);

    assertThat(why.detail())
        .isEqualTo("would install warehouse=18.09.01, with warehouse-common 18.09.02 -> 18.09.01");
    assertThat(host.installs())
        .singleElement()
        .satisfies(
            a ->
                assertThat(a)
                    .endsWith("install", "--", "warehouse=18.09.01", "warehouse-common=18.09.01"));
    assertThat(done.detail())
        .isEqualTo("downgraded to the pinned version, with warehouse-common 18.09.02 -> 18.09.01");
    assertThat(host.otherInstalled).containsEntry("warehouse-common", "18.09.01");
    assertThat(r.undo())
        .contains(
            new Reversible.Undo(
                "downgrade of warehouse to 18.09.01 (with warehouse-common 18.09.02 -> 18.09.01)",
                "warehouse 18.09.02 (with warehouse-common 18.09.02)"));

    r.rollback("crashed");

    assertThat(host.installed).isEqualTo("18.09.02");
    assertThat(host.otherInstalled).containsEntry("warehouse-common", "18.09.02");
  }

  @Test
  void aFailedInstallRestoresThePreviousSetAtOnceAndQuarantinesAScriptFailure() throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.failInstallOf = "18.09.02";

    assertThatThrownBy(() -> resource(Optional.empty(), host).checkApply(true))
        .isInstanceOf(ResourceException.class)
        .hasMessageStartingWith("installing warehouse=18.09.02 failed: dpkg failed")
        .hasMessageContaining(
            "; restored warehouse 18.09.01 from kept .debs; 18.09.02 quarantined");
    assertThat(host.installed).isEqualTo("18.09.01");
    assertThat(quarantine().find("warehouse", "18.09.02")).isPresent();
  }

  @Test
  void anInstallThatFailsBeforeDpkgRanChangesNothingAndQuarantinesNothing() throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.failAllAptInstalls = true;

    assertThatThrownBy(() -> resource(Optional.empty(), host).checkApply(true))
        .hasMessageStartingWith("installing warehouse=18.09.02 failed: ")
        .hasMessageEndingWith("; nothing was changed");
    assertThat(host.installs()).hasSize(1);
    assertThat(quarantine().find("warehouse", "18.09.02")).isEmpty();
  }

  @Test
  void aTransactionThatRemovesAPackageNobodyAskedToRemoveIsRefusedBeforeAnythingChanges()
      throws Exception {
    FakeAptHost host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.otherInstalled.put("tools", "1.0");

    // The fake's simulation removes what is not installed afterwards: "tools" after a removal of
    // it.
    PackageResource r = resource(Optional.empty(), new RemovingSimulation(host, "tools", "1.0"));

    assertThatThrownBy(() -> r.checkApply(true))
        .hasMessage(
            "installing warehouse 18.09.02 would remove tools 1.0, which the agent was not asked to"
                + " remove; refusing the whole change (remove it by hand, or make it installable"
                + " with the new version)");
    assertThat(host.installs()).isEmpty();
  }

  /** A host whose apt-get simulation also removes one package. */
  private static final class RemovingSimulation implements CommandRunner {
    private final FakeAptHost host;
    private final String line;

    RemovingSimulation(FakeAptHost host, String name, String version) {
      this.host = host;
      this.line = "Remv " + name + " [" + version + "]\n";
    }

    @Override
    public org.warehouse.agent.exec.CommandResult run(org.warehouse.agent.exec.Command c) {
      org.warehouse.agent.exec.CommandResult r = host.run(c);
      if (c.argv().get(0).equals("apt-get") && c.argv().contains("-s")) {
        return new org.warehouse.agent.exec.CommandResult(
            c, 0, r.stdout() + line, r.stderr(), false, Duration.ZERO);
      }
      return r;
    }
  }

  @Test
  void noCandidateIsAClearFailure() {
    fake.on(List.of("dpkg-query"), 1, "", "dpkg-query: no packages found matching warehouse\n");
    policy("(none)");
    assertThatThrownBy(() -> resource(Optional.empty()).checkApply(true))
        .hasMessage("no package warehouse in the agent's repositories");
  }

  @Test
  void anInterruptedDpkgIsRepairedFirst() throws Exception {
    Files.createDirectories(admin.resolve("updates"));
    Files.writeString(admin.resolve("updates/0001"), "x");
    installed("18.09.02", "ii ", "install");
    policy("18.09.02", "18.09.02");
    fake.on(List.of("dpkg", "--force-confdef"), 0, "", "");

    assertThat(resource(Optional.empty()).checkApply(false).outcome())
        .isEqualTo(Outcome.WOULD_CHANGE);
    assertThat(fake.argvs()).noneMatch(a -> a.get(0).equals("dpkg"));
    Result r = resource(Optional.empty()).checkApply(true);
    assertThat(r.detail()).contains("repaired interrupted dpkg");
    // The repair is a change, even when nothing newer is to be installed afterwards.
    assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(r.before()).isEqualTo("18.09.02, interrupted");
    assertThat(fake.argvs())
        .contains(List.of("dpkg", "--force-confdef", "--force-confold", "--configure", "-a"));
  }
}
