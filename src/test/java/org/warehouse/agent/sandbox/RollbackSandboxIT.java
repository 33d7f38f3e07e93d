package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad releases on a real (sandboxed) host with real apt, dpkg and systemd: each is published on a
 * host serving a good release with a health URL, together with a config change, and the agent must
 * put the previous version and config back in the same run, fail the run saying why, quarantine the
 * version, leave it alone on the next run, and install the next good version normally. One host for
 * the class; each step builds on the previous one.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollbackSandboxIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OVERRIDE = AgentInSandbox.ATTRIBUTES + "/50-change.yml";
  private static final String KEPT = "/var/lib/warehouse-agent/packages";

  private static AgentInSandbox agent(SandboxHost host) {
    return new AgentInSandbox(host);
  }

  /** What warehouse-web answers on / : its version and the digest of the config it read. */
  private static JsonNode served(SandboxHost host) throws IOException {
    HttpResponse r = host.sandbox().httpGet("http://127.0.0.1:" + host.webPort() + "/");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static byte[] configBytes(SandboxHost host) throws IOException {
    return Files.readAllBytes(host.sandbox().hostPath(AgentInSandbox.CONFIG_YML));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static List<String> quarantined(SandboxHost host) throws IOException {
    ExecResult r = agent(host).run("quarantine", "list", "--json").requireSuccess();
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode e : JSON.readTree(r.stdout()).get("quarantined")) {
      out.add(e.get("package").asText() + " " + e.get("version").asText());
    }
    return out;
  }

  private static void assertServes(SandboxHost host, String version) throws Exception {
    assertThat(agent(host).installedVersion()).isEqualTo(version);
    assertThat(agent(host).unitActiveState()).isEqualTo("active");
    HttpResponse h = host.sandbox().httpGet(host.healthUrl());
    assertThat(h.status()).as(h.body()).isEqualTo(200);
    assertThat(h.body()).contains("\"version\": \"" + version + "\"");
  }

  @Test
  @Order(1)
  void aGoodReleaseIsInstalledAndServes(SandboxHost host) throws Exception {
    AgentInSandbox agent = agent(host);
    host.publish(host.buildWarehouse("18.09.01"));
    String config = AgentInSandbox.healthCheckedConfig(host, "4s");
    assertThat(config).contains("health_timeout: 4s");
    agent.configure(config, AgentInSandbox.webAttributes(host));

    ExecResult run = agent.converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout()).contains("(started)", "healthy");
    assertServes(host, "18.09.01");
  }

  @Test
  @Order(2)
  void aWorkingReleaseUpgradesAndRestartsOnce(SandboxHost host) throws Exception {
    AgentInSandbox agent = agent(host);
    long pid = agent.mainPid();
    host.publish(host.buildWarehouse("18.09.01"), host.buildWarehouse("18.09.02"));
    // No copy of 18.09.01 anywhere: the agent downloads one before upgrading.
    host.sandbox().exec(List.of("rm", KEPT + "/warehouse_18.09.01_all.deb")).requireSuccess();
    host.sandbox()
        .exec(
            List.of(
                "find", "/var/cache/apt/archives", "-maxdepth", "1", "-name", "*.deb", "-delete"))
        .requireSuccess();

    ExecResult run = agent.converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout())
        .contains("package:warehouse: 18.09.01 -> 18.09.02 (upgraded)")
        .containsOnlyOnce("notify changed")
        .doesNotContain("rolled_back");
    assertThat(agent.mainPid()).isNotEqualTo(pid);
    assertServes(host, "18.09.02");
    // Both versions' packages are kept for a later rollback (18.09.01 downloaded before).
    assertThat(host.sandbox().hostPath(KEPT + "/warehouse_18.09.01_all.deb")).exists();
    assertThat(host.sandbox().hostPath(KEPT + "/warehouse_18.09.02_all.deb")).exists();
  }

  @Test
  @Order(3)
  void aReleaseThatCrashesAtStartIsRolledBackQuarantinedThenSuperseded(SandboxHost host)
      throws Exception {
    badRelease(
        host,
        "18.09.02",
        host.buildWarehouse("18.09.03", PackageKind.CRASH),
        "(did not start|started but did not stay up|stopped while waiting for its health check)",
        true);
    aNewerGoodReleaseInstallsNormally(host, "18.09.03", "18.09.04");
  }

  @Test
  @Order(4)
  void aReleaseThatAnswers500IsRolledBackQuarantinedThenSuperseded(SandboxHost host)
      throws Exception {
    ExecResult run =
        badRelease(
            host,
            "18.09.04",
            host.buildWarehouse("18.09.05", PackageKind.UNHEALTHY),
            "failed health check",
            true);
    assertThat(run.stdout()).contains("(HTTP 500 from " + host.healthUrl() + " (");
    aNewerGoodReleaseInstallsNormally(host, "18.09.05", "18.09.06");
  }

  @Test
  @Order(5)
  void aReleaseSlowerThanTheHealthTimeoutIsRolledBackQuarantinedThenSuperseded(SandboxHost host)
      throws Exception {
    Path slow =
        PackageBuilder.warehouse("18.09.07")
            .kind(PackageKind.SLOW)
            .seconds(60)
            .buildInto(host.debsDir());
    ExecResult run = badRelease(host, "18.09.06", slow, "failed health check", true);
    assertThat(run.stdout())
        .contains("(no answer from " + host.healthUrl() + " (", "in 4s, health_timeout)");
    aNewerGoodReleaseInstallsNormally(host, "18.09.07", "18.09.08");
  }

  @Test
  @Order(6)
  void whenTheRepositoryNoLongerHasTheOldVersionTheKeptDebIsReinstalled(SandboxHost host)
      throws Exception {
    // apt's own cache emptied too: only the agent's copy in its state dir is left.
    host.sandbox()
        .exec(
            List.of(
                "find", "/var/cache/apt/archives", "-maxdepth", "1", "-name", "*.deb", "-delete"))
        .requireSuccess();

    ExecResult run =
        badRelease(host, "18.09.08", host.buildWarehouse("18.09.09", PackageKind.CRASH), "", false);

    assertThat(run.stdout()).contains("reinstalled warehouse 18.09.08 from kept .debs");
  }

  @Test
  @Order(7)
  void aRollbackWithNothingToGoBackToFailsLoudly(SandboxHost host) throws Exception {
    AgentInSandbox agent = agent(host);
    // Neither the repository, nor apt's cache, nor the agent's state dir has 18.09.08 any more.
    host.sandbox().exec(List.of("rm", KEPT + "/warehouse_18.09.08_all.deb")).requireSuccess();
    // An operator clears the quarantine to retry: the next run installs it again.
    agent.run("quarantine", "clear", "warehouse", "18.09.09").requireSuccess();
    assertThat(quarantined(host)).isEmpty();

    ExecResult run = agent.converge();

    // Failed, and changed: the host stays on the failed version.
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
    assertThat(run.stdout())
        .contains(
            "changed to 18.09.09 (upgraded; no copy of warehouse 18.09.08 kept for a rollback: no .deb of"
                + " warehouse 18.09.08 in /var/cache/apt/archives and the repository no longer has"
                + " it); rollback failed",
            "ROLLBACK FAILED: warehouse-web.service ",
            "after upgrade of warehouse to 18.09.09",
            "rolling back package:warehouse failed: cannot reinstall warehouse 18.09.08: the"
                + " repository no longer has it; no .deb in /var/cache/apt/archives or "
                + KEPT,
            "service:warehouse-web.service still fails after the rollback")
        .containsPattern("rollback_failed +package:warehouse")
        .containsPattern("notify rollback_failed +service:warehouse-web.service");
    assertThat(run.stderr()).contains("ROLLBACK FAILED: package:warehouse");
    assertThat(agent.installedVersion()).isEqualTo("18.09.09");
    assertThat(agent.unitActiveState()).isNotEqualTo("active");
    assertThat(quarantined(host)).containsExactly("warehouse 18.09.09");
    assertThat(host.sandbox().readFile("/var/lib/warehouse-agent/last-run.json"))
        .contains("\"status\" : \"rollback_failed\"");
  }

  @Test
  @Order(8)
  void theHostIsUntouched() {
    assertThat(Path.of("/opt/warehouse")).doesNotExist();
    assertThat(Path.of("/var/lib/warehouse-agent")).doesNotExist();
  }

  /**
   * Publishes {@code bad} (with {@code good} too when {@code repositoryKeepsGood}) and an attribute
   * change, converges, and checks the rollback; then drops the attribute change and checks that the
   * next run leaves the quarantined version alone.
   */
  private static ExecResult badRelease(
      SandboxHost host, String good, Path bad, String failure, boolean repositoryKeepsGood)
      throws Exception {
    AgentInSandbox agent = agent(host);
    // warehouse_VERSION_all.deb
    String file = bad.getFileName().toString();
    String badVersion = file.substring(file.indexOf('_') + 1, file.lastIndexOf('_'));
    byte[] configBefore = configBytes(host);
    assertThat(sha256(configBefore)).isEqualTo(served(host).get("config_sha256").asText());
    if (repositoryKeepsGood) {
      host.publish(host.debsDir().resolve("warehouse_" + good + "_all.deb"), bad);
    } else {
      host.publish(bad);
    }
    host.sandbox()
        .writeFile(
            OVERRIDE, "warehouse:\n  config:\n    release_note: trying " + badVersion + "\n");

    ExecResult run = agent.converge();

    // Failed (4), and changed (2): the service was restarted.
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
    assertThat(run.stdout())
        .containsPattern(
            "warehouse-web\\.service "
                + (failure.isEmpty() ? "[a-z ]+" : failure)
                + " after upgrade of warehouse to "
                + badVersion.replace(".", "\\.")
                + " and rewrite of /opt/warehouse/etc/config\\.yml \\(")
        .contains(
            "rolled back to warehouse " + good + " and the previous /opt/warehouse/etc/config.yml")
        .containsPattern(
            "rolled_back +package:warehouse: "
                + good.replace(".", "\\.")
                + " \\(changed to "
                + badVersion.replace(".", "\\.")
                + " \\(upgraded\\); rolled back: reinstalled warehouse "
                + good.replace(".", "\\.")
                + " from [^;]+; "
                + badVersion.replace(".", "\\.")
                + " quarantined\\)")
        .containsPattern("rolled_back +file:/opt/warehouse/etc/config\\.yml: sha256:")
        .doesNotContain("ROLLBACK FAILED");
    assertThat(run.stderr()).contains("package:warehouse rolled back");
    // The previous version really serves, having read the previous config.
    assertServes(host, good);
    assertThat(configBytes(host)).isEqualTo(configBefore);
    JsonNode root = served(host);
    assertThat(root.get("version").asText()).isEqualTo(good);
    assertThat(root.get("config_sha256").asText()).isEqualTo(sha256(configBefore));
    assertThat(quarantined(host)).containsExactly("warehouse " + badVersion);
    String lastRun = host.sandbox().readFile("/var/lib/warehouse-agent/last-run.json");
    assertThat(lastRun).contains("\"result\" : \"failed\"", "\"status\" : \"rolled_back\"");

    // The next run leaves the quarantined version alone and says so; nothing restarts.
    host.sandbox().exec(List.of("rm", OVERRIDE)).requireSuccess();
    long pid = agent.mainPid();
    ExecResult next = agent.converge();
    assertThat(next.exitCode()).as(next.toString()).isZero();
    assertThat(next.stderr())
        .contains("package:warehouse left at " + good + ": " + badVersion + " quarantined: ");
    assertThat(agent.mainPid()).isEqualTo(pid);
    assertServes(host, good);
    return run;
  }

  /**
   * Publishes {@code newer} beside the quarantined version: it installs and lifts the quarantine.
   */
  private static void aNewerGoodReleaseInstallsNormally(
      SandboxHost host, String quarantinedVersion, String newer) throws Exception {
    AgentInSandbox agent = agent(host);
    host.publish(
        host.debsDir().resolve("warehouse_" + quarantinedVersion + "_all.deb"),
        host.buildWarehouse(newer));
    ExecResult run = agent.converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout())
        .contains("(upgraded; quarantine of " + quarantinedVersion + " cleared)")
        .containsOnlyOnce("notify changed");
    assertServes(host, newer);
    assertThat(quarantined(host)).isEmpty();
  }
}
