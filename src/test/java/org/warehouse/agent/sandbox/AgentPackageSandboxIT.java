package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.state.Json;

/**
 * The agent's own .deb, as an operator uses it, on the sandbox's real apt, dpkg and systemd:
 * installed from the fixture repository it starts (Type=notify) with the default agent.yml,
 * converges the host once configured and serves metrics; an upgrade by apt while a converge runs
 * restarts the daemon only after that run, keeping agent.yml; the agent updates itself when
 * warehouse-agent is in its packages; remove stops it and leaves the settings, purge leaves
 * nothing. One host for the whole class, tests in order (each starts where the last ended).
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentPackageSandboxIT {
  private static final String UNIT = "warehouse-agent.service";
  private static final String AGENT = "/usr/bin/agent";
  private static final String LAST_RUN = "/var/lib/warehouse-agent/last-run.json";
  private static final String V2 = "26.11.02";
  private static final String V3 = "26.11.03";
  private static final int METRICS_PORT = SandboxHost.freeLoopbackPort();
  private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

  /** Files under the watched trees before the package was installed. */
  private static Set<String> filesBefore;

  private static Path v2Deb;

  private static String agentYml(SandboxHost host, boolean selfUpdate) {
    return """
        interval: 1h
        splay: 2s
        first_run_delay: 1s
        repositories:
          - name: warehouse
            uri: %s
            suite: stable
            components: [main]
            signed_by: %s
            poll_timeout: 5s
        packages:
          - name: warehouse
        %sconfig_files:
          - path: %s
            attribute: warehouse.config
        services:
          - name: warehouse-web
            restart_on: [warehouse, %s]
            health_url: %s
            health_timeout: 60s
        apt:
          lock_timeout: 120s
          probe_interval: 0s       # converges only when the test asks (or a slot comes)
        metrics:
          listen: 127.0.0.1:%d
        """
        .formatted(
            host.server().uri(),
            AgentInSandbox.KEY,
            selfUpdate ? "  - name: warehouse-agent\n" : "",
            AgentInSandbox.CONFIG_YML,
            AgentInSandbox.CONFIG_YML,
            host.healthUrl(),
            METRICS_PORT);
  }

  private static ExecResult apt(SandboxHost host, String... args) {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-y", "-o", "DPkg::Lock::Timeout=120"));
    argv.addAll(List.of(args));
    long t0 = System.nanoTime();
    ExecResult r = host.sandbox().exec(argv, APT_ENV, Duration.ofMinutes(3));
    System.out.printf(
        "$ %s -> exit %d in %d ms%n",
        String.join(" ", argv), r.exitCode(), (System.nanoTime() - t0) / 1_000_000);
    return r;
  }

  private static String show(SandboxHost host, String property) {
    return host.sandbox()
        .checkOutput("systemctl", "show", "--property=" + property, "--value", UNIT)
        .strip();
  }

  private static String packageVersion(SandboxHost host, String name) {
    ExecResult r =
        host.sandbox()
            .exec(List.of("dpkg-query", "--showformat=${Version} ${Status}", "--show", name));
    return r.exitCode() == 0 ? r.stdout().strip() : "";
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The version the running daemon reports over its socket, "" without a daemon. */
  private static String daemonVersion(SandboxHost host) {
    ExecResult r = host.sandbox().exec(List.of(AGENT, "status", "--json"));
    JsonNode daemon = json(r.stdout()).path("daemon");
    return daemon.isObject() ? daemon.path("version").asText() : "";
  }

  private static boolean daemonIdle(SandboxHost host) {
    ExecResult r = host.sandbox().exec(List.of(AGENT, "status", "--json"));
    JsonNode daemon = json(r.stdout()).path("daemon");
    return daemon.isObject() && daemon.path("runningSince").isNull();
  }

  private static String metrics(SandboxHost host) {
    HttpResponse r = host.sandbox().httpGet("http://127.0.0.1:" + METRICS_PORT + "/metrics");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** The same version everywhere: the package, `agent --version`, the daemon, the metric. */
  private static void assertVersionEverywhere(SandboxHost host, String version) {
    assertVersionEverywhere(host, version, true);
  }

  private static void assertVersionEverywhere(
      SandboxHost host, String version, boolean withMetrics) {
    assertThat(packageVersion(host, "warehouse-agent"))
        .isEqualTo(version + " install ok installed");
    assertThat(host.sandbox().checkOutput(AGENT, "--version").strip())
        .isEqualTo("warehouse-agent " + version);
    assertThat(daemonVersion(host)).isEqualTo(version);
    if (withMetrics) {
      assertThat(metrics(host))
          .contains("warehouse_agent_build_info{version=\"" + version + "\"} 1");
    }
  }

  /**
   * Files and directories under the trees a package or the agent writes, without the ones apt,
   * dpkg, systemd and the journal keep changing anyway.
   */
  private static Set<String> watchedFiles(SandboxHost host) {
    String script =
        "find /etc /usr /lib /opt /var /run -xdev"
            + " \\( -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/cache -o -path /var/log"
            + " -o -path /var/lib/systemd -o -path /var/tmp -o -path /run/systemd -o -path /run/user"
            + " -o -path /run/log -o -path /run/lock -o -path /run/warehouse-fixture"
            + " -o -path /run/mount -o -path /etc/ld.so.cache"
            // PackageKit's apt hook records every transaction there, whoever runs apt.
            + " -o -path /var/lib/PackageKit \\) -prune -o -print";
    ExecResult r =
        host.sandbox().exec(List.of("sh", "-c", script), Map.of(), Duration.ofMinutes(2));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return new TreeSet<>(r.stdout().lines().toList());
  }

  private static String journal(SandboxHost host) {
    return host.sandbox().journal(UNIT);
  }

  @Test
  @Order(1)
  void installsFromTheRepositoryAndStartsWithTheDefaultSettings(SandboxHost host) {
    Sandbox s = host.sandbox();
    // A container-style policy-rc.d (exit 101: start nothing) may sit on the host this sandbox
    // overlays; a server has none, and the maintainer scripts must be seen starting and stopping
    // the daemon. Removed inside only (a whiteout in the sandbox's upper layer).
    s.exec(List.of("rm", "-f", "/usr/sbin/policy-rc.d")).requireSuccess();
    // man-db's trigger (the package ships agent.1) rebuilds the whole man database: 10-20 s per
    // apt run on a loaded 2-core machine, for nothing here. Same switch as debconf's
    // man-db/auto-update=false, inside only.
    s.exec(List.of("rm", "-f", "/var/lib/man-db/auto-update")).requireSuccess();
    host.configureApt(); // the operator's bootstrap: trust the repository, one source line
    filesBefore = watchedFiles(host);
    host.publish(AgentPackage.built(), host.buildWarehouse("18.09.01"));
    apt(host, "update").requireSuccess();

    ExecResult install = apt(host, "install", "warehouse-agent");

    assertThat(install.exitCode()).as(install.toString()).isZero();
    // Type=notify: the postinst's start returned once the daemon said READY=1.
    assertThat(show(host, "Type")).isEqualTo("notify");
    assertThat(show(host, "ActiveState")).as(journal(host)).isEqualTo("active");
    assertThat(show(host, "SubState")).isEqualTo("running");
    assertThat(show(host, "UnitFileState")).isEqualTo("enabled");
    assertThat(show(host, "NRestarts")).isEqualTo("0");
    assertThat(journal(host)).contains("nothing to manage until you fill it in");
    ExecResult check = s.exec(List.of(AGENT, "check-config"));
    assertThat(check.exitCode()).as(check.toString()).isZero();
    // The postinst made this JVM's class-data archives (short commands, the daemon), and the
    // launcher maps the agent from them.
    assertThat(Files.exists(s.hostPath("/var/cache/warehouse-agent/warehouse-agent.jsa"))).isTrue();
    assertThat(Files.exists(s.hostPath("/var/cache/warehouse-agent/warehouse-agent-daemon.jsa")))
        .isTrue();
    long daemonPid = Long.parseLong(show(host, "MainPID"));
    assertThat(s.readFile("/proc/" + daemonPid + "/maps"))
        .as("the daemon maps its own archive")
        .contains("/var/cache/warehouse-agent/warehouse-agent-daemon.jsa")
        .doesNotContain("/var/cache/warehouse-agent/warehouse-agent.jsa");
    ExecResult loaded =
        s.exec(
            List.of(AGENT, "--version"),
            Map.of("WAREHOUSE_AGENT_JAVA_OPTS", "-Xlog:class+load=info:stdout"),
            Duration.ofSeconds(60));
    assertThat(loaded.stdout())
        .as("the agent's classes come from the archive")
        .contains("org.warehouse.agent.cli.Main source: shared objects file");
    // The installed units, checked by the systemd that runs them.
    ExecResult verify =
        s.exec(
            List.of(
                "systemd-analyze",
                "verify",
                "/lib/systemd/system/warehouse-agent.service",
                "/lib/systemd/system/warehouse-agent-converge.service",
                "/lib/systemd/system/warehouse-agent-converge.timer"));
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.stderr()).isEmpty();
    ExecResult timer = s.exec(List.of("systemctl", "is-enabled", "warehouse-agent-converge.timer"));
    assertThat(timer.stdout().strip())
        .as("the timer is the operator's choice")
        .isEqualTo("disabled");
    // Not the metric yet: the default agent.yml listens on 9557, which this shared network may
    // have taken (another test run); the next tests check it on their own port.
    assertVersionEverywhere(host, AgentPackage.version(), false);
  }

  @Test
  @Order(2)
  void convergesTheHostOnceConfigured(SandboxHost host) {
    Sandbox s = host.sandbox();
    new AgentInSandbox(host)
        .configure(
            agentYml(host, false),
            Map.of("10-warehouse.yml", "warehouse:\n  config:\n    site: pypi\n"));

    s.checkOutput("systemctl", "restart", UNIT);

    Await.until(
        "the first scheduled converge\n" + journal(host),
        Duration.ofSeconds(90),
        () ->
            Files.exists(s.hostPath(LAST_RUN))
                && json(s.readFile(LAST_RUN)).path("result").asText().equals("changed"));
    assertThat(packageVersion(host, "warehouse")).isEqualTo("18.09.01 install ok installed");
    assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).contains("site: pypi");
    assertThat(s.exec(List.of("systemctl", "is-active", "warehouse-web")).stdout().strip())
        .isEqualTo("active");
    assertThat(metrics(host))
        .contains(
            "warehouse_agent_converge_runs_total{result=\"changed\",trigger=\"scheduled\"} 1");
    // The agent keeps its own source list now; the bootstrap one can go.
    assertThat(Files.exists(s.hostPath("/etc/apt/sources.list.d/warehouse-agent.list"))).isTrue();
    s.checkOutput("rm", SandboxHost.SOURCE_LIST);
  }

  @Test
  @Order(3)
  void anUpgradeByAptDuringAConvergeRestartsTheDaemonOnlyAfterTheRun(SandboxHost host)
      throws Exception {
    Sandbox s = host.sandbox();
    String settings = s.readFile(AgentInSandbox.CONFIG);
    // 18.09.02 opens its port only after 30 s: the run waits that long for its health check,
    // time for the operator's apt-get to upgrade the agent (12 s on a loaded 2-core machine).
    v2Deb = AgentPackage.build(V2, host.debsDir());
    host.publish(
        AgentPackage.built(),
        v2Deb,
        host.buildWarehouse("18.09.01"),
        PackageBuilder.warehouse("18.09.02")
            .kind(PackageKind.SLOW)
            .seconds(30)
            .buildInto(host.debsDir()));
    long daemonPid = Long.parseLong(show(host, "MainPID"));
    try (SandboxProcess converge =
        s.startBackground(List.of(AGENT, "converge", "--now", "--detailed-exitcodes"))) {
      Await.until(
          "warehouse 18.09.02 installed by the run",
          Duration.ofSeconds(90),
          () -> packageVersion(host, "warehouse").equals("18.09.02 install ok installed"));

      apt(host, "update").requireSuccess();
      ExecResult upgrade = apt(host, "install", "warehouse-agent");

      assertThat(upgrade.exitCode()).as(upgrade.toString()).isZero();
      assertThat(packageVersion(host, "warehouse-agent")).isEqualTo(V2 + " install ok installed");
      // The package is upgraded, the run still goes on, in the same daemon.
      assertThat(converge.isAlive())
          .as("the converge still running: %s%s", converge.stdoutSoFar(), converge.stderrSoFar())
          .isTrue();
      assertThat(daemonIdle(host)).isFalse();
      assertThat(Long.parseLong(show(host, "MainPID"))).isEqualTo(daemonPid);

      ExecResult run = converge.waitFor(Duration.ofSeconds(90));
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.stdout())
          .contains("package:warehouse: 18.09.01 -> 18.09.02")
          .doesNotContain("stopping");
    }
    JsonNode last = json(s.readFile(LAST_RUN));
    assertThat(last.path("result").asText()).isEqualTo("changed");
    Await.until(
        "the daemon restarted after the run\n" + journal(host),
        Duration.ofSeconds(60),
        () -> daemonVersion(host).equals(V2));
    assertThat(Long.parseLong(show(host, "MainPID"))).isNotEqualTo(daemonPid);
    assertThat(journal(host))
        .contains("restart requested (upgrade to " + V2 + "): after the converge in progress")
        .contains("no converge in progress, restarting now");
    assertThat(s.readFile(AgentInSandbox.CONFIG)).isEqualTo(settings);
    ExecResult audit = s.exec(List.of("dpkg", "--audit"));
    assertThat(audit.stdout()).isEmpty();
    assertVersionEverywhere(host, V2);
  }

  @Test
  @Order(4)
  void theAgentUpdatesItselfAndSystemdRestartsIt(SandboxHost host) {
    Sandbox s = host.sandbox();
    host.publish(
        v2Deb,
        AgentPackage.build(V3, host.debsDir()),
        host.buildWarehouse("18.09.01"),
        PackageBuilder.warehouse("18.09.02")
            .kind(PackageKind.SLOW)
            .seconds(30)
            .buildInto(host.debsDir()));
    s.writeFile(AgentInSandbox.CONFIG, agentYml(host, true));
    s.checkOutput("systemctl", "reload", UNIT);
    Await.until(
        "the reload with warehouse-agent in packages",
        Duration.ofSeconds(30),
        () -> journal(host).contains("SIGHUP: reloaded"));
    long daemonPid = Long.parseLong(show(host, "MainPID"));

    ExecResult run =
        s.exec(
            List.of(AGENT, "converge", "--now", "--detailed-exitcodes"),
            Map.of(),
            Duration.ofMinutes(3));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout()).contains("package:warehouse-agent: " + V2 + " -> " + V3);
    Await.until(
        "the daemon restarted into " + V3 + "\n" + journal(host),
        Duration.ofSeconds(60),
        () -> daemonVersion(host).equals(V3));
    assertThat(Long.parseLong(show(host, "MainPID"))).isNotEqualTo(daemonPid);
    // The socket answers a moment before systemd has READY=1 (sent right after): activating.
    Await.until(
        "the restarted daemon active",
        Duration.ofSeconds(30),
        () -> show(host, "ActiveState").equals("active"));
    assertThat(journal(host)).contains("restart requested (upgrade to " + V3 + ")");
    assertThat(json(s.readFile(LAST_RUN)).path("result").asText()).isEqualTo("changed");
    assertThat(s.exec(List.of("dpkg", "--audit")).stdout()).isEmpty();
    assertVersionEverywhere(host, V3);
  }

  @Test
  @Order(5)
  void removeStopsTheDaemonAndKeepsTheSettings(SandboxHost host) {
    Sandbox s = host.sandbox();
    String settings = s.readFile(AgentInSandbox.CONFIG);

    ExecResult remove = apt(host, "remove", "warehouse-agent");

    assertThat(remove.exitCode()).as(remove.toString()).isZero();
    assertThat(show(host, "ActiveState")).isEqualTo("inactive");
    assertThat(packageVersion(host, "warehouse-agent"))
        .isEqualTo(V3 + " deinstall ok config-files");
    for (String gone :
        List.of(
            AGENT,
            "/usr/share/warehouse-agent",
            "/lib/systemd/system/warehouse-agent.service",
            "/lib/systemd/system/warehouse-agent-converge.timer",
            "/var/cache/warehouse-agent")) {
      assertThat(Files.exists(s.hostPath(gone))).as(gone).isFalse();
    }
    assertThat(s.readFile(AgentInSandbox.CONFIG)).isEqualTo(settings);
    assertThat(Files.exists(s.hostPath(LAST_RUN))).isTrue();
  }

  @Test
  @Order(6)
  void purgeLeavesNothingOfTheAgent(SandboxHost host) {
    ExecResult purge = apt(host, "purge", "warehouse-agent");

    assertThat(purge.exitCode()).as(purge.toString()).isZero();
    assertThat(packageVersion(host, "warehouse-agent")).isEmpty();
    Set<String> left = new TreeSet<>(watchedFiles(host));
    left.removeAll(filesBefore);
    // What stays is the agent's work, not the agent: the warehouse package it installed, the
    // config.yml it rendered, warehouse-web's unit and its enablement.
    List<String> agentLeftovers =
        left.stream()
            .filter(
                p ->
                    !p.startsWith("/opt/warehouse")
                        && !p.endsWith("/lib/systemd/system/warehouse-web.service")
                        && !p.equals(
                            "/etc/systemd/system/multi-user.target.wants/warehouse-web.service"))
            .toList();
    assertThat(agentLeftovers).as("left behind (all new files: %s)", left).isEmpty();
    assertThat(left).contains("/opt/warehouse/etc/config.yml");
  }
}
