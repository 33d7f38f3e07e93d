package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What real apt does with each fault the fixtures inject, starting from good lists. */
@ExtendWith(SandboxSupport.class)
class FixtureFaultsIT {
  private static final String V1 = "18.09.01";
  private static final String V2 = "18.09.02";
  private static final String INRELEASE = "/dists/stable/InRelease";

  private Path v1;
  private Path v2;

  @BeforeEach
  void goodBaseline(SandboxHost host) {
    host.server().setFault(RepositoryServer.Fault.NONE);
    v1 = host.debsDir().resolve("warehouse_" + V1 + "_all.deb");
    v2 = host.debsDir().resolve("warehouse_" + V2 + "_all.deb");
    if (!Files.exists(v1)) {
      host.buildWarehouse(V1);
      host.buildWarehouse(V2);
    }
    host.publish(v1);
    host.configureApt();
    apt(host, "update").requireSuccess();
    assertThat(candidate(host)).isEqualTo(V1);
    host.server().clearRequests();
  }

  @Test
  void unknownSigningKeyKeepsTheOldListsWithExitZero(SandboxHost host) {
    host.publish(v1, v2);
    host.repository().resignWithUnknownKey();

    ExecResult update = apt(host, "update");
    assertThat(update.exitCode()).as("%s", update).isZero();
    assertThat(update.stderr())
        .contains("NO_PUBKEY")
        .contains("The repository is not updated and the previous index files will be used");
    assertThat(candidate(host)).isEqualTo(V1);

    // Without previous lists (a new host) the same repository is an error.
    host.sandbox().checkOutput("find", "/var/lib/apt/lists", "-type", "f", "-delete");
    ExecResult fresh = apt(host, "update");
    assertThat(fresh.exitCode()).as("%s", fresh).isEqualTo(100);
    assertThat(fresh.stderr()).contains("NO_PUBKEY").contains("is not signed");
  }

  @Test
  void unsignedRepositoryFailsTheUpdate(SandboxHost host) {
    host.publish(v1, v2);
    host.repository().removeSignatures();

    ExecResult update = apt(host, "update");
    assertThat(update.exitCode()).as("%s", update).isEqualTo(100);
    // "is not signed" on a host that never had the repository's lists.
    assertThat(update.stderr()).contains("is no longer signed");
    assertThat(candidate(host)).isEqualTo(V1);
  }

  @Test
  void truncatedPackagesFailTheUpdate(SandboxHost host) {
    host.publish(v1, v2);
    host.repository().truncatePackages();

    ExecResult update = apt(host, "update");
    assertThat(update.exitCode()).as("%s", update).isEqualTo(100);
    assertThat(update.stderr()).contains("Failed to fetch").contains("Packages");
    assertThat(candidate(host)).isEqualTo(V1);
  }

  @Test
  void corruptDebFailsTheInstallBeforeDpkgRuns(SandboxHost host) {
    host.publish(v1, v2);
    apt(host, "update").requireSuccess();
    host.repository().corruptDeb(v2.getFileName().toString());

    ExecResult install = apt(host, "install", "-y", "warehouse=" + V2);
    assertThat(install.exitCode()).as("%s", install).isEqualTo(100);
    assertThat(install.stderr()).contains("Hash Sum mismatch");
    assertThat(host.sandbox().exec(List.of("dpkg-query", "-W", "warehouse")).exitCode())
        .isNotZero();
  }

  @Test
  void serverFaultsAreWarningsUnlessErrorOnAny(SandboxHost host) {
    host.publish(v1, v2);
    host.server().setFault(RepositoryServer.Fault.STATUS_500);
    ExecResult plain = apt(host, "-o", "Acquire::Retries=0", "update");
    // apt-get update exits 0 when a repository cannot be fetched: the agent must not trust 0.
    assertThat(plain.exitCode()).as("%s", plain).isZero();
    assertThat(plain.stderr()).contains("W: Failed to fetch").contains("500");
    assertThat(host.server().requests(INRELEASE)).extracting("status").containsOnly(500);

    assertFailsWithErrorOnAny(
        host, RepositoryServer.Fault.STATUS_500, "500  Internal Server Error");
    assertFailsWithErrorOnAny(host, RepositoryServer.Fault.DOWN, "Connection refused");
    assertFailsWithErrorOnAny(host, RepositoryServer.Fault.HANG, "");
    assertFailsWithErrorOnAny(host, RepositoryServer.Fault.TRUNCATE, "");
    assertThat(candidate(host)).isEqualTo(V1);
  }

  private static void assertFailsWithErrorOnAny(
      SandboxHost host, RepositoryServer.Fault fault, String message) {
    host.server().setFault(fault);
    try {
      ExecResult update =
          apt(
              host,
              "-o",
              "Acquire::Retries=0",
              "-o",
              "Acquire::http::Timeout=2",
              "--error-on=any",
              "update");
      assertThat(update.exitCode()).as("%s: %s", fault, update).isEqualTo(100);
      assertThat(update.stderr()).contains("E: Failed to fetch").contains(message);
    } finally {
      host.server().setFault(RepositoryServer.Fault.NONE);
    }
  }

  private static String candidate(SandboxHost host) {
    return host.sandbox()
        .checkOutput("apt-cache", "policy", "warehouse")
        .lines()
        .filter(line -> line.strip().startsWith("Candidate:"))
        .map(line -> line.strip().substring("Candidate:".length()).strip())
        .findFirst()
        .orElse("");
  }

  private static ExecResult apt(SandboxHost host, String... args) {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q"));
    argv.addAll(List.of(args));
    return host.sandbox()
        .exec(argv, Map.of("DEBIAN_FRONTEND", "noninteractive"), Duration.ofMinutes(2));
  }
}
