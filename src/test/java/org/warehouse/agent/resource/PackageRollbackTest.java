package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.AptConfig;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.KeptPackages;
import org.warehouse.agent.apt.Quarantine;

/** Package upgrades remember what to roll back to, keep .debs, respect and maintain quarantine. */
class PackageRollbackTest {
  private static final List<String> CONFINEMENT =
      List.of(
          "-o",
          "Dir::Etc::sourcelist=/l.list",
          "-o",
          "Dir::Etc::sourceparts=-",
          "-o",
          "APT::Get::List-Cleanup=0",
          "-o",
          "Dir::Cache::pkgcache=",
          "-o",
          "Dir::Cache::srcpkgcache=",
          "-o",
          "DPkg::Lock::Timeout=5");

  @TempDir Path admin;
  @TempDir Path state;
  @TempDir Path archives;
  private FakeAptHost host;

  private PackageResource resource(Optional<String> pin, Quarantine q) {
    AptGet apt =
        new AptGet(
            host,
            new AptConfig(
                Path.of("/l.list"),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5)));
    Dpkg dpkg = new Dpkg(host, admin, Duration.ofSeconds(5));
    return new PackageResource(
        "warehouse", pin, apt, dpkg, q, new KeptPackages(kept(), archives, dpkg, apt));
  }

  private Quarantine q() {
    return new Quarantine(
        state, Clock.fixed(Instant.parse("2018-09-14T10:00:00Z"), ZoneOffset.UTC));
  }

  private PackageResource resource() {
    return resource(Optional.empty(), q());
  }

  private Path kept() {
    return state.resolve("packages");
  }

  private static List<String> aptGet(String... tail) {
    List<String> argv = new java.util.ArrayList<>(List.of("apt-get", "-q", "-y"));
    argv.addAll(CONFINEMENT);
    argv.addAll(List.of(tail));
    return argv;
  }

  @Test
  void anUpgradeKeepsBothDebsAndIsRolledBackFromTheKeptDeb() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.deb(archives, "18.09.01", "warehouse");
    PackageResource r = resource();

    Result up = r.checkApply(true);

    assertThat(up.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(up.detail()).isEqualTo("upgraded");
    assertThat(r.undo())
        .contains(new Reversible.Undo("upgrade of warehouse to 18.09.02", "warehouse 18.09.01"));
    // The old version's .deb was copied from apt's cache before, the new one's after.
    assertThat(kept().resolve("warehouse_18.09.01_all.deb")).exists();
    assertThat(kept().resolve("warehouse_18.09.02_all.deb")).exists();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(kept().resolve("warehouse_18.09.01_all.deb"))))
        .isEqualTo("rw-------");

    Result back = r.rollback("warehouse-web.service failed health check after upgrade (HTTP 500)");

    assertThat(host.installed).isEqualTo("18.09.01");
    // apt's cache still has it (the agent's own copy is the fallback).
    Path oldDeb = archives.resolve("warehouse_18.09.01_all.deb").toAbsolutePath().normalize();
    assertThat(host.installs())
        .containsExactly(
            aptGet(
                "-o",
                "Dpkg::Options::=--force-confdef",
                "-o",
                "Dpkg::Options::=--force-confold",
                "--allow-downgrades",
                "--no-remove",
                "install",
                "--",
                "warehouse=18.09.02"),
            // The kept .deb, not the repository: a rollback must not depend on the repository.
            aptGet(
                "-o",
                "Dpkg::Options::=--force-confdef",
                "-o",
                "Dpkg::Options::=--force-confold",
                "--allow-downgrades",
                "--no-remove",
                "install",
                "--",
                oldDeb.toString()));
    assertThat(back.before()).isEqualTo("18.09.02");
    assertThat(back.after()).isEqualTo("18.09.01");
    assertThat(back.detail())
        .isEqualTo("reinstalled warehouse 18.09.01 from kept .debs; 18.09.02 quarantined");
    assertThat(q().list())
        .containsExactly(
            new Quarantine.Entry(
                "warehouse",
                "18.09.02",
                "warehouse-web.service failed health check after upgrade (HTTP 500)",
                Instant.parse("2018-09-14T10:00:00Z")));
    assertThat(r.undo()).isEmpty();
  }

  @Test
  void theApplyAfterACheckInstallsTheSetTheCheckSimulatedAndReadsDpkgOnceAfter() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.deb(archives, "18.09.01", "warehouse");
    PackageResource r = resource();

    assertThat(r.checkApply(false).outcome()).isEqualTo(Outcome.WOULD_CHANGE);
    int beforeApply = host.argvs.size();
    Result up = r.checkApply(true);

    assertThat(up.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(simulations(host.argvs)).isEqualTo(1);
    List<List<String>> after = host.argvs.subList(beforeApply, host.argvs.size());
    int install = after.indexOf(host.installs().get(0));
    // After apt-get install: one read of dpkg's database checks the whole set.
    assertThat(
            after.subList(install + 1, after.size()).stream()
                .filter(a -> a.get(0).equals("dpkg-query"))
                .count())
        .isEqualTo(1);
  }

  @Test
  void aCheckWhoseDpkgStateChangedBeforeTheApplyIsPlannedAgain() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.others.put("libfoo1", Map.of("1.0", ""));
    PackageResource r = resource();

    r.checkApply(false);
    host.otherInstalled.put("libfoo1", "1.0");
    r.checkApply(true);

    assertThat(simulations(host.argvs)).isEqualTo(2);
  }

  private static long simulations(List<List<String>> argvs) {
    return argvs.stream().filter(a -> a.get(0).equals("apt-get") && a.contains("-s")).count();
  }

  @Test
  void whenAptCannotInstallTheKeptDebsDpkgInstallsThemAllInOneCall() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.deb(archives, "18.09.01", "warehouse");
    PackageResource r = resource();
    r.checkApply(true);
    // The repository now has only the bad version, apt's cache was cleaned, and apt refuses
    // (dpkg was interrupted, say).
    host.available.remove("18.09.01");
    try (var files = Files.list(archives)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    host.failAllAptInstalls = true;

    Result back = r.rollback("crashed");

    Path deb = kept().resolve("warehouse_18.09.01_all.deb").toAbsolutePath().normalize();
    assertThat(host.argvs)
        .contains(
            List.of(
                "dpkg", "--force-confdef", "--force-confold", "--install", "--", deb.toString()));
    assertThat(host.installed).isEqualTo("18.09.01");
    assertThat(back.detail())
        .startsWith("reinstalled warehouse 18.09.01 from kept .debs (with dpkg, after apt failed: ")
        .endsWith("; 18.09.02 quarantined");
  }

  @Test
  void withoutAKeptDebTheRepositoryServesTheRollback() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    PackageResource r = resource();
    r.checkApply(true);
    Files.delete(kept().resolve("warehouse_18.09.01_all.deb"));
    try (var files = Files.list(archives)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }

    Result back = r.rollback("crashed");

    assertThat(host.installs().get(host.installs().size() - 1))
        .endsWith("--", "warehouse=18.09.01");
    assertThat(back.detail())
        .isEqualTo("reinstalled warehouse 18.09.01 from the repository; 18.09.02 quarantined");
  }

  @Test
  void aDebThatIsNotWhatItsNameSaysOrIsALinkIsNeverInstalled() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02"));
    PackageResource r = resource();
    r.checkApply(true);
    // The kept copy claims to be another package; apt's cache holds a symlink to a real one.
    Files.createDirectories(kept());
    host.deb(kept(), "18.09.01", "evil");
    Path real = host.deb(state.resolve("elsewhere"), "18.09.01", "warehouse");
    Files.createSymbolicLink(archives.resolve("warehouse_18.09.01_amd64.deb"), real);

    assertThatThrownBy(() -> r.rollback("crashed"))
        .isInstanceOf(ResourceException.class)
        .hasMessageStartingWith(
            "cannot reinstall warehouse 18.09.01: the repository no longer has it; no .deb in "
                + archives
                + " or "
                + kept()
                + "; now warehouse 18.09.02;");
    assertThat(host.argvs).noneMatch(a -> a.get(0).equals("dpkg") && a.contains("--install"));
    assertThat(host.installed).isEqualTo("18.09.02");
    // The failed version is quarantined even though it could not be replaced.
    assertThat(q().find("warehouse", "18.09.02")).isPresent();
  }

  @Test
  void aGroupWritableCacheIsNotTrusted() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02"));
    PackageResource r = resource();
    r.checkApply(true);
    Files.deleteIfExists(kept().resolve("warehouse_18.09.01_all.deb"));
    Path planted = host.deb(archives, "18.09.01", "warehouse");
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-rw-r--"));

    assertThatThrownBy(() -> r.rollback("crashed")).hasMessageContaining("no .deb in");
    assertThat(host.argvs).noneMatch(a -> a.get(0).equals("dpkg") && a.contains("--install"));
  }

  @Test
  void theInstalledVersionIsDownloadedForKeepingWhenNoCopyExists() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    PackageResource r = resource();

    r.checkApply(true);

    Path download = kept().resolve(".download");
    assertThat(host.argvs)
        .contains(
            aptGet(
                "-o",
                "Dir::Cache::archives=" + download + "/",
                "--download-only",
                "--reinstall",
                "--no-remove",
                "install",
                "--",
                "warehouse=18.09.01"));
    assertThat(kept().resolve("warehouse_18.09.01_all.deb")).exists();
    assertThat(download).doesNotExist();
  }

  @Test
  void noCopyKeptIsANoteNotAFailure() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02"));

    Result up = resource().checkApply(true);

    assertThat(up.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(up.detail())
        .isEqualTo(
            "upgraded; no copy of warehouse 18.09.01 kept for a rollback: no .deb of warehouse 18.09.01 in "
                + archives
                + " and the repository no longer has it");
  }

  @Test
  void aQuarantinedCandidateIsSkippedAndSaysWhy() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    q().add("warehouse", "18.09.02", "warehouse-web.service failed health check (HTTP 500)");

    Result r = resource().checkApply(true);

    assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(r.detail())
        .isEqualTo(
            "18.09.02 quarantined: warehouse-web.service failed health check (HTTP 500)"
                + " (agent quarantine clear warehouse 18.09.02 to retry)");
    assertThat(host.installs()).isEmpty();
    assertThat(resource().checkApply(false).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void aQuarantinedPinIsSkippedToo() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.03", archives);
    host.available.addAll(List.of("18.09.03", "18.09.02"));
    q().add("warehouse", "18.09.02", "crashed");

    Result r = resource(Optional.of("18.09.02"), q()).checkApply(true);

    assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(r.detail()).startsWith("pinned 18.09.02 quarantined: crashed");
    assertThat(host.installs()).isEmpty();
  }

  @Test
  void aNewerVersionInstallsAndClearsOlderQuarantineEntries() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.03", "18.09.02", "18.09.01"));
    q().add("warehouse", "18.09.02", "crashed");
    q().add("warehouse", "18.09.04", "unhealthy");
    q().add("other", "1.0", "crashed");

    Result r = resource().checkApply(true);

    assertThat(r.after()).isEqualTo("18.09.03");
    assertThat(r.detail()).isEqualTo("upgraded; quarantine of 18.09.02 cleared");
    assertThat(q().list())
        .extracting(Quarantine.Entry::packageName, Quarantine.Entry::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("warehouse", "18.09.04"),
            org.assertj.core.groups.Tuple.tuple("other", "1.0"));
  }

  @Test
  void aFirstInstallHasNothingToRollBackTo() throws Exception {
    host = new FakeAptHost("warehouse", null, archives);
    host.available.add("18.09.01");
    PackageResource r = resource();

    assertThat(r.checkApply(true).detail()).isEqualTo("installed");
    assertThat(r.undo()).isEmpty();
    assertThatThrownBy(() -> r.rollback("x")).hasMessageContaining("nothing to roll back");
  }

  @Test
  void aPinnedDowngradeIsUndoneByReinstallingTheNewerVersion() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.03", archives);
    host.available.addAll(List.of("18.09.03", "18.09.02"));
    PackageResource r = resource(Optional.of("18.09.02"), q());

    assertThat(r.checkApply(true).detail()).isEqualTo("downgraded to the pinned version");
    assertThat(r.undo())
        .contains(new Reversible.Undo("downgrade of warehouse to 18.09.02", "warehouse 18.09.03"));
    r.rollback("crashed");

    assertThat(host.installed).isEqualTo("18.09.03");
    assertThat(q().find("warehouse", "18.09.02")).isPresent();
  }

  @Test
  void aDamagedQuarantineFileFailsTheResourceRatherThanLettingABadVersionIn() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02"));
    Files.writeString(state.resolve("quarantine.json"), "{\"quarantined\": [{\"package\": 1}]");

    assertThatThrownBy(() -> resource().checkApply(true))
        .isInstanceOf(ResourceException.class)
        .hasMessageStartingWith("cannot read the quarantine: " + state.resolve("quarantine.json"))
        .hasMessageEndingWith("; repair or remove it");
    assertThat(host.installs()).isEmpty();
  }

  @Test
  void aFailedReinstallIsARollbackFailure() throws Exception {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    PackageResource r = resource();
    r.checkApply(true);
    host.failInstallOf = "18.09.01";
    host.failDpkgInstall = true;

    assertThatThrownBy(() -> r.rollback("crashed"))
        .hasMessageStartingWith("cannot reinstall warehouse 18.09.01: installing ")
        .hasMessageContaining("dpkg --install failed")
        // dpkg's own state, as it is now, and the command that repairs it.
        .hasMessageContaining(
            "now warehouse 18.09.01 (iF); repair with: apt-get install --allow-downgrades /");
  }
}
