package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Proves the harness itself: real apt, dpkg and systemd in a sandbox, and nothing on the host. */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxSmokeIT {
  private static final Map<String, String> NONINTERACTIVE =
      Map.of("DEBIAN_FRONTEND", "noninteractive");
  private static final String INRELEASE = "/dists/stable/InRelease";

  @Test
  @Order(1)
  void installsUpgradesAndRestartsForReal(SandboxHost host) throws IOException {
    Sandbox sandbox = host.sandbox();
    Path v1 = host.buildWarehouse("18.09.01");
    Path v2 = host.buildWarehouse("18.09.02");
    host.publish(v1);
    host.configureApt();

    // The exchange directory is bound, not copied: the host sees what the sandbox writes.
    sandbox.checkOutput("touch", host.exchangeDir().resolve("from-inside").toString());
    assertThat(host.exchangeDir().resolve("from-inside")).exists();
    // hostPath resolves absolute symlinks inside the sandbox (/var/run -> /run), not on the host.
    assertThat(sandbox.hostPath("/var/run/systemd/system"))
        .isEqualTo(Path.of("/proc/" + sandbox.systemdPid() + "/root/run/systemd/system"))
        .isDirectory();

    apt(sandbox, "update");
    apt(sandbox, "install", "-y", "warehouse");
    assertThat(installedVersion(sandbox)).isEqualTo("18.09.01");
    // The postinst enables but does not start: starting is the agent's job.
    assertThat(sandbox.exec(List.of("systemctl", "is-enabled", "warehouse-web")).stdout())
        .isEqualTo("enabled\n");
    assertThat(sandbox.exec(List.of("systemctl", "is-active", "warehouse-web")).stdout())
        .isEqualTo("inactive\n");

    String config = "greeting: 'no'\nmode: '0755'\n";
    sandbox.writeFile("/opt/warehouse/etc/config.yml", config);
    sandbox.checkOutput("systemctl", "start", "warehouse-web");
    awaitHealthy(host, "18.09.01");
    assertThat(sandbox.httpGet("http://127.0.0.1:" + host.webPort() + "/").body())
        .contains("\"config_sha256\": \"" + sha256(config) + "\"")
        .contains("\"port\": " + host.webPort())
        .contains("\"greeting\": \"no\"");

    // Nothing changed: apt's conditional GET of InRelease is answered 304.
    host.server().clearRequests();
    apt(sandbox, "update");
    assertThat(host.server().requests(INRELEASE))
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.isConditional()).isTrue();
              assertThat(request.status()).isEqualTo(304);
            });

    host.publish(v1, v2);
    host.server().clearRequests();
    apt(sandbox, "update");
    assertThat(host.server().requests(INRELEASE))
        .singleElement()
        .satisfies(request -> assertThat(request.status()).isEqualTo(200));
    apt(sandbox, "install", "-y", "warehouse");
    assertThat(installedVersion(sandbox)).isEqualTo("18.09.02");
    assertThat(Files.readString(sandbox.hostPath("/opt/warehouse/VERSION")))
        .isEqualTo("18.09.02\n");
    // Upgrading the package does not restart the service: the old version still answers.
    assertThat(sandbox.httpGet(host.healthUrl()).body()).contains("18.09.01");

    String pidBefore = mainPid(sandbox);
    sandbox.checkOutput("systemctl", "restart", "warehouse-web");
    assertThat(mainPid(sandbox)).isNotEqualTo(pidBefore).isNotEqualTo("0");
    awaitHealthy(host, "18.09.02");
  }

  @Test
  @Order(2)
  void crashingVersionRestartsWithExitZeroButEndsFailed(SandboxHost host) {
    Sandbox sandbox = host.sandbox();
    Path crash = host.buildWarehouse("18.09.03", PackageKind.CRASH);
    host.publish(host.buildWarehouse("18.09.01"), crash);
    host.configureApt();
    apt(sandbox, "update");
    apt(sandbox, "install", "-y", "warehouse=18.09.03");

    // A fact the agent relies on: restart "succeeds" even though the new process exits 1 at
    // once; only is-active (after the exec, so poll) tells the truth.
    ExecResult restart = sandbox.exec(List.of("systemctl", "restart", "warehouse-web"));
    assertThat(restart.exitCode()).as("%s", restart).isZero();
    Await.until(
        "warehouse-web failed",
        Duration.ofSeconds(10),
        () -> sandbox.exec(List.of("systemctl", "is-active", "warehouse-web")).exitCode() != 0);
    ExecResult active = sandbox.exec(List.of("systemctl", "is-active", "warehouse-web"));
    assertThat(active.stdout()).isEqualTo("failed\n");
    assertThat(active.exitCode()).isEqualTo(3);
  }

  @Test
  @Order(3)
  void closeLeavesNoMountsCgroupsOrProcesses(@TempDir Path dir) throws IOException {
    long overlaysBefore = overlayMounts();
    Path bound = Files.createDirectories(dir.resolve("bound"));
    Files.writeString(bound.resolve("canary"), "still here\n");
    Sandbox sandbox = Sandbox.boot(dir.resolve("state"), List.of(bound));
    // systemd-tmpfiles --boot empties the sandbox's /tmp; it must stop at the bind mount.
    assertThat(bound.resolve("canary")).hasContent("still here");
    assertThat(sandbox.readFile(bound.resolve("canary").toString())).isEqualTo("still here\n");
    Path state = sandbox.stateDir();
    Path cgroup = sandbox.cgroupDir();
    long pid = sandbox.systemdPid();
    SandboxProcess sleeper = sandbox.startBackground(List.of("sleep", "600"));
    assertThat(sleeper.pid()).isGreaterThan(1);
    assertThat(cgroup).isDirectory();

    sandbox.close();

    assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(state.toString());
    assertThat(overlayMounts()).isEqualTo(overlaysBefore);
    assertThat(cgroup).doesNotExist();
    assertThat(state).doesNotExist();
    assertThat(
            ProcessHandle.of(pid)
                .filter(handle -> handle.info().command().orElse("").endsWith("systemd")))
        .isEmpty();
    assertThat(sleeper.isAlive()).isFalse();
    sandbox.close(); // idempotent
  }

  @Test
  @Order(4)
  void hostIsUntouched() throws IOException {
    // Runs after the tests above installed warehouse in their sandbox.
    ExecResult dpkg =
        HostProcesses.run(
            List.of("dpkg-query", "-W", "warehouse"),
            Map.of(),
            Path.of("/"),
            Duration.ofSeconds(30));
    assertThat(dpkg.exitCode()).as("%s", dpkg).isNotZero();
    assertThat(Path.of("/opt/warehouse")).doesNotExist();
    assertThat(Path.of(SandboxHost.SOURCE_LIST)).doesNotExist();
    assertThat(Path.of(SandboxHost.KEYRING)).doesNotExist();
    assertThat(Path.of("/lib/systemd/system/warehouse-web.service")).doesNotExist();
  }

  private static void apt(Sandbox sandbox, String... args) {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q"));
    argv.addAll(List.of(args));
    sandbox.exec(argv, NONINTERACTIVE, Duration.ofMinutes(2)).requireSuccess();
  }

  private static String installedVersion(Sandbox sandbox) {
    return sandbox.checkOutput("dpkg-query", "-W", "-f", "${Version}", "warehouse");
  }

  private static String mainPid(Sandbox sandbox) {
    return sandbox.checkOutput("systemctl", "show", "-P", "MainPID", "warehouse-web").strip();
  }

  private static void awaitHealthy(SandboxHost host, String version) {
    Await.until(
        "warehouse-web " + version + " healthy at " + host.healthUrl(),
        Duration.ofSeconds(15),
        () -> {
          HttpResponse response = host.sandbox().httpGet(host.healthUrl());
          return response.status() == 200 && response.body().contains("\"" + version + "\"");
        });
  }

  private static long overlayMounts() {
    return HostMounts.list().stream().filter(mount -> mount.fsType().equals("overlay")).count();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
