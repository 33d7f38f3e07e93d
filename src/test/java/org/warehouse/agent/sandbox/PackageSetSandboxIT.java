package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Package sets on a real (sandboxed) host: a Warehouse release split into three binaries of one
 * source with exact-version dependencies ({@link SplitRelease}), pinned, upgraded with a new
 * dependency, downgraded by moving the pin, rolled back as a set after a failed health check, a
 * failed sibling postinst and a crashing sibling service, restored from kept .debs when the
 * repository lost the old versions, a release that drops a sibling, and a transaction that would
 * remove another package. After every step dpkg's database is clean ({@code dpkg --audit} empty),
 * every package of the set is {@code ii} at one version, and warehouse-web serves on it (it refuses
 * to start on an incoherent set). One host for the class; each step builds on the previous one.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageSetSandboxIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String config(SandboxHost host, String version, boolean worker) {
    return config(host, version, worker, "");
  }

  private static String config(SandboxHost host, String version, boolean worker, String apt) {
    String services =
        "  - name: warehouse-web\n"
            + "    restart_on: [warehouse, "
            + AgentInSandbox.CONFIG_YML
            + "]\n    health_url: "
            + host.healthUrl()
            + "\n    health_timeout: 4s\n"
            + (worker ? "  - name: warehouse-worker\n    restart_on: [warehouse]\n" : "");
    String base = AgentInSandbox.standardConfig(host.server().uri().toString(), "");
    int from = base.indexOf("services:\n") + "services:\n".length();
    int to = base.indexOf("attributes:\n");
    return base.substring(0, from)
            .replace("    version: latest\n", "    version: " + version + "\n")
        + services
        + base.substring(to).replace("apt:\n", "apt:\n" + apt);
  }

  private static void configure(SandboxHost host, String version, boolean worker) {
    new AgentInSandbox(host)
        .configure(
            config(host, version, worker),
            Map.of(
                "10-warehouse.yml",
                "warehouse:\n  config:\n    site: pypi\n    port: " + host.webPort() + "\n"));
  }

  private static void publish(SandboxHost host, List<Path> debs) {
    host.publish(debs.toArray(Path[]::new));
  }

  private static List<Path> debs(SandboxHost host, Object... releasesOrDebs) {
    List<Path> out = new ArrayList<>();
    for (Object o : releasesOrDebs) {
      if (o instanceof SplitRelease r) {
        out.addAll(r.build(host.debsDir()));
      } else {
        out.add((Path) o);
      }
    }
    return out;
  }

  /** {@code name version status} per dpkg, or {@code name absent}. */
  private static String state(SandboxHost host, String name) {
    ExecResult r =
        host.sandbox()
            .exec(
                List.of(
                    "dpkg-query",
                    "--show",
                    "--showformat=${Version} ${db:Status-Abbrev}",
                    "--",
                    name));
    String s = r.stdout().strip();
    return r.exitCode() != 0 || s.isEmpty() || s.endsWith("un") || s.startsWith("un")
        ? name + " absent"
        : name + " " + s;
  }

  /** The set at {@code version}, dpkg clean, warehouse-web serving on that set. */
  private static void assertCoherent(SandboxHost host, String version, boolean worker)
      throws Exception {
    assertThat(state(host, "warehouse")).isEqualTo("warehouse " + version + " ii");
    assertThat(state(host, "warehouse-common")).isEqualTo("warehouse-common " + version + " ii");
    if (worker) {
      assertThat(state(host, "warehouse-worker")).isEqualTo("warehouse-worker " + version + " ii");
      assertThat(
              host.sandbox().exec(List.of("systemctl", "is-active", "warehouse-worker")).stdout())
          .isEqualTo("active\n");
    }
    ExecResult audit = host.sandbox().exec(List.of("dpkg", "--audit"));
    assertThat(audit.stdout() + audit.stderr()).as("dpkg --audit").isBlank();
    HttpResponse r = host.sandbox().httpGet("http://127.0.0.1:" + host.webPort() + "/");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode served = JSON.readTree(r.body());
    assertThat(served.get("version").asText()).isEqualTo(version);
    assertThat(served.get("common_version").asText()).isEqualTo(version);
  }

  private static List<String> quarantined(SandboxHost host) throws Exception {
    ExecResult r = new AgentInSandbox(host).run("quarantine", "list", "--json").requireSuccess();
    List<String> out = new ArrayList<>();
    for (JsonNode e : JSON.readTree(r.stdout()).get("quarantined")) {
      out.add(e.get("package").asText() + " " + e.get("version").asText());
    }
    return out;
  }

  @Test
  @Order(1)
  void aPinToAnOlderReleaseInstallsItsWholeSetOnACleanHost(SandboxHost host) throws Exception {
    Path libfoo = PackageBuilder.unrelated("libfoo1", "1.0").buildInto(host.debsDir());
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.01"),
            SplitRelease.of("18.09.02").commonNeeds("libfoo1 (>= 1.0)"),
            libfoo));
    configure(host, "18.09.01", true);

    ExecResult run = new AgentInSandbox(host).converge();

    // apt-get install warehouse=18.09.01 alone: "you have held broken packages" (the siblings'
    // candidates are 18.09.02).
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout())
        .contains("warehouse-common 18.09.01 new", "warehouse-worker 18.09.01 new");
    assertCoherent(host, "18.09.01", true);
  }

  @Test
  @Order(2)
  void unpinnedTheSetUpgradesTogetherWithANewDependency(SandboxHost host) throws Exception {
    configure(host, "latest", true);

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout())
        .contains("package:warehouse: 18.09.01 -> 18.09.02 (upgraded, with ")
        .contains("warehouse-common 18.09.01 -> 18.09.02", "warehouse-worker 18.09.01 -> 18.09.02")
        .contains("libfoo1 1.0 new");
    assertCoherent(host, "18.09.02", true);
    assertThat(state(host, "libfoo1")).isEqualTo("libfoo1 1.0 ii");
    ExecResult status = new AgentInSandbox(host).run("status").requireSuccess();
    assertThat(status.stdout()).contains("warehouse-common 18.09.01 -> 18.09.02");
  }

  @Test
  @Order(3)
  void movingThePinDownDowngradesTheWholeSet(SandboxHost host) throws Exception {
    configure(host, "18.09.01", true);

    ExecResult why = new AgentInSandbox(host).converge("--why-run");
    assertThat(why.stdout())
        .contains("would install warehouse=18.09.01, with ")
        .contains("warehouse-common 18.09.02 -> 18.09.01", "warehouse-worker 18.09.02 -> 18.09.01");
    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout())
        .contains("downgraded to the pinned version, with ")
        .contains("warehouse-common 18.09.02 -> 18.09.01", "warehouse-worker 18.09.02 -> 18.09.01");
    assertCoherent(host, "18.09.01", true);
  }

  @Test
  @Order(4)
  void aSetUpgradeThatFailsItsHealthCheckIsRolledBackAsASet(SandboxHost host) throws Exception {
    Path libbar = PackageBuilder.unrelated("libbar1", "1.0").buildInto(host.debsDir());
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.01"),
            SplitRelease.of("18.09.03")
                .web(PackageKind.UNHEALTHY)
                .commonNeeds("libfoo1 (>= 1.0)")
                .commonNeeds("libbar1 (>= 1.0)"),
            PackageBuilder.unrelated("libfoo1", "1.0").buildInto(host.debsDir()),
            libbar));
    configure(host, "latest", true);

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
    assertThat(run.stdout() + run.stderr())
        .contains("rolled_back")
        .doesNotContain("ROLLBACK FAILED");
    assertCoherent(host, "18.09.01", true);
    // New in the failed set, so removed with it: the host runs exactly the set it ran before.
    assertThat(state(host, "libbar1")).isEqualTo("libbar1 absent");
    assertThat(quarantined(host)).contains("warehouse 18.09.03");
  }

  @Test
  @Order(5)
  void aSiblingWhosePostinstFailsLeavesDpkgCleanOnThePreviousSet(SandboxHost host)
      throws Exception {
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.01"),
            SplitRelease.of("18.09.04").common(PackageKind.POSTINST_FAILS)));

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isIn(4, 6);
    assertThat(run.stdout() + run.stderr())
        .contains("simulated postinst failure", "restored warehouse 18.09.01")
        .doesNotContain("ROLLBACK FAILED");
    assertCoherent(host, "18.09.01", true);
    assertThat(quarantined(host)).contains("warehouse 18.09.04");
    // The next run leaves the quarantined version alone and changes nothing.
    ExecResult again = new AgentInSandbox(host).converge();
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(0);
  }

  @Test
  @Order(6)
  void aSiblingWhoseServiceCrashesIsRolledBackWithTheSet(SandboxHost host) throws Exception {
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.01"),
            SplitRelease.of("18.09.05").worker(PackageKind.CRASH)));

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
    assertThat(run.stdout() + run.stderr())
        .contains("warehouse-worker", "rolled_back")
        .doesNotContain("ROLLBACK FAILED");
    assertCoherent(host, "18.09.01", true);
    assertThat(quarantined(host)).contains("warehouse 18.09.05");
  }

  @Test
  @Order(7)
  void withoutTheOldVersionsInTheRepositoryKeptDebsRestoreTheSet(SandboxHost host)
      throws Exception {
    publish(host, debs(host, SplitRelease.of("18.09.06").web(PackageKind.UNHEALTHY)));
    host.sandbox()
        .exec(
            List.of(
                "find", "/var/cache/apt/archives", "-maxdepth", "1", "-name", "*.deb", "-delete"))
        .requireSuccess();

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
    assertThat(run.stdout() + run.stderr())
        .contains("from kept .debs")
        .doesNotContain("ROLLBACK FAILED");
    assertCoherent(host, "18.09.01", true);
  }

  @Test
  @Order(8)
  void aReleaseThatDropsASiblingRemovesIt(SandboxHost host) throws Exception {
    publish(host, debs(host, SplitRelease.of("18.09.07").withoutWorker()));
    configure(host, "latest", false);

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout()).contains("warehouse-worker 18.09.01 removed");
    assertCoherent(host, "18.09.07", false);
    assertThat(state(host, "warehouse-worker")).isEqualTo("warehouse-worker absent");
  }

  @Test
  @Order(9)
  void aTransactionThatWouldRemoveAnotherPackageIsRefused(SandboxHost host) throws Exception {
    Path tools =
        PackageBuilder.unrelated("fixture-tools", "1.0")
            .depends("warehouse-common (= 18.09.07)")
            .buildInto(host.debsDir());
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.07").withoutWorker(),
            tools,
            SplitRelease.of("18.09.08").withoutWorker()));
    host.sandbox().exec(List.of("apt-get", "-q", "update")).requireSuccess();
    host.sandbox()
        .exec(
            List.of("apt-get", "-q", "-y", "install", "fixture-tools"),
            Map.of("DEBIAN_FRONTEND", "noninteractive"),
            java.time.Duration.ofMinutes(2))
        .requireSuccess();

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isIn(1, 4);
    assertThat(run.stdout() + run.stderr())
        .contains("would remove fixture-tools 1.0, which the agent was not asked to remove");
    assertCoherent(host, "18.09.07", false);
    assertThat(state(host, "fixture-tools")).isEqualTo("fixture-tools 1.0 ii");
  }

  @Test
  @Order(10)
  void aPostinstThatHangsIsCutAtTheInstallTimeoutAndTheNextRunDoesNotHangAgain(SandboxHost host)
      throws Exception {
    // The previous step's package would block every newer warehouse-common.
    host.sandbox().exec(List.of("dpkg", "--remove", "fixture-tools")).requireSuccess();
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.07").withoutWorker(),
            SplitRelease.of("18.09.09")
                .withoutWorker()
                .web(PackageKind.SLOW_POSTINST)
                .webSeconds(3600)));
    new AgentInSandbox(host)
        .configure(
            config(host, "latest", false, "  install_timeout: 30s\n"),
            Map.of(
                "10-warehouse.yml",
                "warehouse:\n  config:\n    site: pypi\n    port: " + host.webPort() + "\n"));

    ExecResult run = new AgentInSandbox(host).converge();

    assertThat(run.exitCode()).as(run.toString()).isIn(4, 6);
    assertThat(run.stdout() + run.stderr())
        .contains("timed out after 30s", "restored warehouse 18.09.07", "18.09.09 quarantined")
        .doesNotContain("ROLLBACK FAILED");
    assertCoherent(host, "18.09.07", false);
    assertThat(host.sandbox().exec(List.of("pgrep", "-f", "sleep 3600")).exitCode())
        .as("the hung postinst is gone")
        .isEqualTo(1);
    ExecResult again = new AgentInSandbox(host).converge();
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(0);
    // No dpkg --configure -a of the hung script: dpkg was left clean, nothing to repair.
    assertThat(again.stdout() + again.stderr())
        .contains("18.09.09 quarantined")
        .doesNotContain("repaired interrupted dpkg");
  }

  @Test
  @Order(11)
  void aRepositoryLostMidUpgradeChangesNothingAndQuarantinesNothing(SandboxHost host)
      throws Exception {
    publish(
        host,
        debs(
            host,
            SplitRelease.of("18.09.07").withoutWorker(),
            SplitRelease.of("18.09.10").withoutWorker()));
    // The indexes answer, the packages do not: the set fails to download, before dpkg runs.
    host.server().setFault(RepositoryServer.Fault.STATUS_500, p -> p.endsWith(".deb"));
    try {
      ExecResult run = new AgentInSandbox(host).converge();

      assertThat(run.exitCode()).as(run.toString()).isIn(1, 4);
      assertThat(run.stdout() + run.stderr())
          .contains("installing warehouse=18.09.10")
          .doesNotContain("ROLLBACK FAILED", "18.09.10 quarantined");
      assertCoherent(host, "18.09.07", false);
      assertThat(quarantined(host)).doesNotContain("warehouse 18.09.10");
    } finally {
      host.server().setFault(RepositoryServer.Fault.NONE);
    }

    ExecResult again = new AgentInSandbox(host).converge();

    assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
    assertCoherent(host, "18.09.10", false);
  }
}
