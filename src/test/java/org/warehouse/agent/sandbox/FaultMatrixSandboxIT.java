package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.state.Json;

/**
 * The fault table of src/site/markdown/operations.md, one test per row, on one sandboxed host whose
 * agent runs as the daemon under the sandbox's systemd: each row injects its fault, runs {@code
 * agent converge --now} through the daemon, and checks the exit code and the message naming the
 * fault, that the host still serves a working version with a complete config.yml, that the daemon's
 * metrics recorded the fault, and that the next clean run recovers. Rows run in order; each leaves
 * the host working.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixSandboxIT {
  private static final String UNIT = DaemonUnit.UNIT;
  private static final String UNIT_DIR = "/etc/systemd/system/" + UNIT + ".d/";
  private static final String SECRET_FILE = "/etc/warehouse-agent/secrets/db_password";
  private static final String SECRET = "s3cret-value";
  private static final String ETC = "/opt/warehouse/etc";
  private static final String BAD_ATTRIBUTES = AgentInSandbox.ATTRIBUTES + "/20-bad.yml";
  private static final String POSTINST_PID = "/run/warehouse-fixture/postinst.pid";
  private static final String FAKETIME_FILE = "/etc/warehouse-agent/faketime";
  private static final int METRICS_PORT = SandboxHost.freeLoopbackPort();

  // The host's state across the ordered rows: the host, the version it serves, the next release.
  private static SandboxHost host;
  private static String working = "";
  private static int release = 1;

  private static String nextVersion() {
    return "18.09.%02d".formatted(release++);
  }

  private static Path deb(SandboxHost host, String version) {
    return host.debsDir().resolve("warehouse_" + version + "_all.deb");
  }

  private static String agentYml(SandboxHost host, String interval) {
    return AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("interval: 30m\n", "")
            // Converges only when a test asks or a slot comes: no release probe between them.
            .replace("apt:\n", "apt:\n  probe_interval: 0s\n")
            .replace(
                "    restart_on: [warehouse, " + AgentInSandbox.CONFIG_YML + "]\n",
                "    restart_on: [warehouse, "
                    + AgentInSandbox.CONFIG_YML
                    + "]\n    health_url: "
                    + host.healthUrl()
                    + "\n    health_timeout: 4s\n")
        + "interval: "
        + interval
        + "\nsplay: 2s\nfirst_run_delay: 1s\nhistory_limit: 200\nmetrics:\n  listen: 127.0.0.1:"
        + METRICS_PORT
        + "\n";
  }

  // --- what every row checks -------------------------------------------------------------------

  /**
   * The host serves {@code version}: dpkg has it configured, /opt/warehouse/VERSION says it, dpkg
   * has nothing half-done, config.yml parses (PyYAML, as Warehouse reads it) with every key, and
   * warehouse-web is active and healthy, answering as that version.
   */
  private static void assertWorking(SandboxHost host, String version) throws IOException {
    Sandbox s = host.sandbox();
    assertThat(s.checkOutput("dpkg-query", "-W", "-f=${db:Status-Abbrev} ${Version}", "warehouse"))
        .isEqualTo("ii  " + version);
    assertThat(s.readFile("/opt/warehouse/VERSION").strip()).isEqualTo(version);
    assertThat(s.checkOutput("dpkg", "--audit")).isEmpty();
    JsonNode config = Json.mapper().readTree(renderedConfig(host));
    assertThat(config.get("site").asText()).isEqualTo("pypi");
    assertThat(config.get("port").asInt()).isEqualTo(host.webPort());
    assertThat(config.get("db_password").asText()).isEqualTo(SECRET);
    assertThat(new AgentInSandbox(host).unitActiveState()).isEqualTo("active");
    HttpResponse health = s.httpGet(host.healthUrl());
    assertThat(health.status()).as(health.body()).isEqualTo(200);
    assertThat(health.body()).contains("\"version\": \"" + version + "\"");
  }

  /** config.yml as PyYAML reads it, as JSON. */
  private static String renderedConfig(SandboxHost host) {
    return host.sandbox()
        .checkOutput(
            "/usr/bin/python3",
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            AgentInSandbox.CONFIG_YML);
  }

  private static String metrics() {
    return metrics(host);
  }

  private static String metrics(SandboxHost h) {
    HttpResponse r = h.sandbox().httpGet("http://127.0.0.1:" + METRICS_PORT + "/metrics");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** A scrape, or "" while the endpoint does not answer (the daemon starting): for awaits. */
  private static String metricsIfUp() {
    HttpResponse r = host.sandbox().httpGet("http://127.0.0.1:" + METRICS_PORT + "/metrics");
    return r.status() == 200 ? r.body() : "";
  }

  private static String runs(String result, String trigger) {
    return "warehouse_agent_converge_runs_total{result=\""
        + result
        + "\",trigger=\""
        + trigger
        + "\"}";
  }

  private static String polls(String result) {
    return "warehouse_agent_repository_polls_total{repository=\"warehouse\",result=\""
        + result
        + "\"}";
  }

  private static final String RESTARTS_FAILED =
      "warehouse_agent_service_restarts_total{result=\"failed\",service=\"warehouse-web.service\"}";
  private static final String ROLLBACKS = "warehouse_agent_rollbacks_total{package=\"warehouse\"}";
  private static final String LAST_RUN_SUCCESS = "warehouse_agent_last_run_success";

  /** How much {@code series} grew from {@code before} to {@code after}. */
  private static double grew(String before, String after, String series) {
    return DaemonLooks.sample(after, series) - DaemonLooks.sample(before, series);
  }

  /** One failed manual run, recorded as the last run. */
  private static void assertFailedRunCounted(String before, String after) {
    assertThat(grew(before, after, runs("failed", "manual"))).isEqualTo(1);
    assertThat(DaemonLooks.sample(after, LAST_RUN_SUCCESS)).isZero();
  }

  /** The clean run after a fault: exit code, the host working on {@code version}, success. */
  private static ExecResult recovers(int exitCode, String version) throws IOException {
    ExecResult run = new AgentInSandbox(host).converge();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
    assertWorking(host, version);
    assertThat(DaemonLooks.sample(metrics(), LAST_RUN_SUCCESS)).isEqualTo(1);
    working = version;
    return run;
  }

  private static String show(String property) {
    return host.sandbox()
        .checkOutput("systemctl", "show", "--property=" + property, "--value", UNIT)
        .strip();
  }

  private static String journal() {
    return host.sandbox().journal(UNIT);
  }

  /** Runs {@code body}; a failure carries the daemon's journal. */
  private static void row(SandboxHost h, ThrowingRunnable body) throws Exception {
    host = h;
    try {
      body.run();
    } catch (AssertionError e) {
      AssertionError withJournal =
          new AssertionError(e.getMessage() + "\n--- journal of " + UNIT + ":\n" + journal());
      withJournal.initCause(e);
      throw withJournal;
    }
  }

  /** A row's body. */
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static List<JsonNode> history() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files =
        Files.list(host.sandbox().hostPath("/var/lib/warehouse-agent/history"))) {
      for (Path f : files.sorted().toList()) {
        out.add(Json.mapper().readTree(Files.readString(f)));
      }
    }
    return out;
  }

  private static SandboxProcess convergeInBackground(String... extra) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Fixtures.agentLauncher().toString(), "converge", "--now", "--detailed-exitcodes"));
    argv.addAll(List.of(extra));
    argv.addAll(List.of("--config", AgentInSandbox.CONFIG));
    return host.sandbox().startBackground(argv);
  }

  /**
   * Publishes {@code next}, whose postinst sleeps {@code seconds} after writing POSTINST_PID
   * ("POSTINST_PID DPKG_PID"), beside the working version; clears the PID file of an earlier one.
   */
  private static void publishSlowPostinst(String next, int seconds) {
    host.publish(
        deb(host, working),
        PackageBuilder.warehouse(next)
            .kind(PackageKind.SLOW_POSTINST)
            .seconds(seconds)
            .buildInto(host.debsDir()));
    host.sandbox().exec(List.of("rm", "-f", POSTINST_PID)).requireSuccess();
  }

  private static void awaitPostinst() {
    Await.until(
        "the slow postinst to start",
        Duration.ofSeconds(90),
        () -> host.sandbox().exec(List.of("test", "-s", POSTINST_PID)).succeeded());
  }

  // --- the rows --------------------------------------------------------------------------------

  @Test
  @Order(0)
  void aWorkingHostUnderTheDaemon(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          String first = nextVersion();
          host.publish(host.buildWarehouse(first));
          new AgentInSandbox(host)
              .configure(
                  agentYml(host, "1h"),
                  Map.of(
                      "10-warehouse.yml",
                      "warehouse:\n  config:\n    site: pypi\n    port: "
                          + host.webPort()
                          + "\n    db_password: !secret db_password\n"));
          s.writeFile(SECRET_FILE, SECRET);
          Files.setPosixFilePermissions(
              s.hostPath(SECRET_FILE), PosixFilePermissions.fromString("rw-------"));
          DaemonUnit.install(s);
          // The unit waits 30 s before restarting a dead agent; a test need not.
          s.writeFile(UNIT_DIR + "restart.conf", "[Service]\nRestartSec=1s\n");
          s.checkOutput("systemctl", "daemon-reload");
          s.checkOutput("systemctl", "start", UNIT);

          // The scheduled first run (first_run_delay 1s) installs it; only manual runs follow.
          Await.until(
              "the first scheduled converge",
              Duration.ofMinutes(2),
              () -> DaemonLooks.sample(metricsIfUp(), runs("changed", "scheduled")) == 1);
          assertWorking(host, first);
          assertThat(DaemonLooks.sample(metrics(), LAST_RUN_SUCCESS)).isEqualTo(1);
          working = first;
        });
  }

  @Test
  @Order(1)
  void repositoryUnreachable(SandboxHost h) throws Exception {
    repositoryServerFault(h, RepositoryServer.Fault.DOWN, "repository warehouse unreachable: ");
  }

  @Test
  @Order(2)
  void repositoryAnswers500(SandboxHost h) throws Exception {
    repositoryServerFault(
        h, RepositoryServer.Fault.STATUS_500, "repository warehouse answered HTTP 500 for ");
  }

  @Test
  @Order(3)
  void repositoryHangs(SandboxHost h) throws Exception {
    repositoryServerFault(
        h, RepositoryServer.Fault.HANG, "repository warehouse did not answer within 5s");
  }

  private static void repositoryServerFault(
      SandboxHost h, RepositoryServer.Fault fault, String message) throws Exception {
    row(
        h,
        () -> {
          String next = nextVersion();
          host.publish(deb(host, working), host.buildWarehouse(next));
          String before = metrics();
          host.server().setFault(fault);
          ExecResult run;
          try {
            run = new AgentInSandbox(host).converge();
          } finally {
            host.server().setFault(RepositoryServer.Fault.NONE);
          }

          assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
          assertThat(run.stdout()).contains(message);
          // poll_timeout (5s) bounds it, not apt's own retries.
          assertThat(run.elapsed()).isLessThan(Duration.ofSeconds(30));
          assertWorking(host, working);
          String after = metrics();
          assertFailedRunCounted(before, after);
          assertThat(grew(before, after, polls("error"))).isEqualTo(1);

          recovers(2, next);
        });
  }

  @Test
  @Order(4)
  void truncatedPackagesIndex(SandboxHost h) throws Exception {
    damagedRepository(
        h,
        next -> host.repository().truncatePackages(),
        true,
        "repository index or package does not match its checksum (Hash Sum mismatch)");
  }

  @Test
  @Order(5)
  void inReleaseSignedByAnUnknownKey(SandboxHost h) throws Exception {
    damagedRepository(
        h,
        next -> host.repository().resignWithUnknownKey(),
        true,
        "repository signature cannot be verified: NO_PUBKEY");
  }

  @Test
  @Order(6)
  void debWhoseHashDoesNotMatchItsPackagesEntry(SandboxHost h) throws Exception {
    // The index is fine (the poll is not an error): apt refuses the .deb itself, at install.
    damagedRepository(
        h,
        next -> host.repository().corruptDeb(deb(host, next).getFileName().toString()),
        false,
        "Hash Sum mismatch",
        "package:warehouse");
  }

  /** What damages the published repository, given the new version it now offers. */
  private interface Damage {
    void apply(String next) throws Exception;
  }

  // A new version is published into a repository then damaged: apt refuses it, the host stays on
  // the working version, and publishing it again intact installs it.
  private static void damagedRepository(
      SandboxHost h, Damage damage, boolean pollCountsModified, String... messages)
      throws Exception {
    row(
        h,
        () -> {
          String next = nextVersion();
          host.publish(deb(host, working), host.buildWarehouse(next));
          damage.apply(next);
          String before = metrics();

          ExecResult run = new AgentInSandbox(host).converge();

          assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
          assertThat(run.stdout()).contains(messages);
          assertWorking(host, working);
          String after = metrics();
          assertFailedRunCounted(before, after);
          if (pollCountsModified) {
            assertThat(grew(before, after, polls("modified"))).isEqualTo(1);
          }

          host.publish(deb(host, working), deb(host, next));
          recovers(2, next);
        });
  }

  @Test
  @Order(7)
  void dpkgLockHeld(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          String next = nextVersion();
          host.publish(deb(host, working), host.buildWarehouse(next));
          String before = metrics();
          try (SandboxProcess holder =
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
                          """))) {
            Await.until(
                "the lock holder to lock",
                Duration.ofSeconds(10),
                () -> holder.stdoutSoFar().contains("locked"));

            ExecResult run = new AgentInSandbox(host).converge();

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
            assertThat(run.stdout()).contains("dpkg lock is held by another process");
            // apt waited apt.lock_timeout (5s) for the lock before giving up.
            assertThat(run.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
            assertWorking(host, working);
            assertFailedRunCounted(before, metrics());
          }
          recovers(2, next);
        });
  }

  @Test
  @Order(8)
  void dpkgKilledMidPostinst(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          String next = nextVersion();
          publishSlowPostinst(next, 5);
          String before = metrics();
          ExecResult run;
          try (SandboxProcess cli = convergeInBackground()) {
            awaitPostinst();
            // "POSTINST_PID DPKG_PID": kill dpkg as a power cut or the OOM killer would.
            String dpkg = s.readFile(POSTINST_PID).strip().split(" ", -1)[1];
            s.exec(List.of("kill", "-9", dpkg)).requireSuccess();
            run = cli.waitFor(Duration.ofSeconds(90));
          }

          assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
          assertThat(run.stdout())
              .contains("package:warehouse: installing warehouse=" + next + " failed")
              .contains("dpkg exited unexpectedly")
              // The old set is put back in the same run: dpkg is never left half-configured.
              .contains("; restored warehouse " + working + " from kept .debs")
              .doesNotContain(next + " quarantined");
          assertThat(s.exec(List.of("dpkg", "--audit")).stdout()).isBlank();
          // Not restarted: the old process still serves, healthy.
          HttpResponse health = s.httpGet(host.healthUrl());
          assertThat(health.status()).isEqualTo(200);
          assertThat(health.body()).contains("\"version\": \"" + working + "\"");
          assertFailedRunCounted(before, metrics());

          // Not the release's fault (dpkg was killed): not quarantined, the next run installs it.
          s.exec(List.of("rm", "-f", POSTINST_PID)).requireSuccess();
          ExecResult again = recovers(2, next);
          assertThat(again.stdout()).doesNotContain("repaired interrupted dpkg");
        });
  }

  @Test
  @Order(9)
  void diskFullUnderTheConfigDirectory(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          AgentInSandbox agent = new AgentInSandbox(host);
          String config = s.readFile(AgentInSandbox.CONFIG_YML);
          long pid = agent.mainPid();
          // A 64 KiB filesystem over the config directory, holding the current file and a filler
          // that leaves less room than the new render needs.
          s.exec(
                  List.of(
                      "sh",
                      "-c",
                      "set -e; rm -rf /tmp/etc-copy; cp -a "
                          + ETC
                          + " /tmp/etc-copy; mount -t tmpfs -o size=64k tmpfs "
                          + ETC
                          + "; cp -a /tmp/etc-copy/. "
                          + ETC
                          + "/; dd if=/dev/zero of="
                          + ETC
                          + "/filler bs=1k count=1000 2>/dev/null || true"))
              .requireSuccess();
          String big = "x".repeat(8000);
          s.writeFile(
              AgentInSandbox.ATTRIBUTES + "/30-big.yml",
              "warehouse:\n  config:\n    banner: " + big + "\n");
          String before = metrics();

          ExecResult run = agent.converge();

          assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
          assertThat(run.stdout()).contains("No space left on device", AgentInSandbox.CONFIG_YML);
          assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
          // No temporary file left behind.
          assertThat(s.checkOutput("ls", "-A", ETC)).doesNotContain("tmp");
          assertThat(agent.mainPid()).isEqualTo(pid);
          assertWorking(host, working);
          assertFailedRunCounted(before, metrics());

          s.exec(List.of("rm", ETC + "/filler")).requireSuccess();
          recovers(2, working);
          assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).contains(big);
          assertThat(agent.mainPid()).isNotEqualTo(pid);
          // Back to the real directory, with the big config gone from the attributes.
          // (the file under the mount is the old one, which is what the attributes say again)
          s.exec(List.of("umount", ETC)).requireSuccess();
          s.exec(List.of("rm", AgentInSandbox.ATTRIBUTES + "/30-big.yml")).requireSuccess();
          recovers(0, working);
          assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
        });
  }

  @Test
  @Order(10)
  void invalidAgentYml(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          String good = s.readFile(AgentInSandbox.CONFIG);
          long daemonPid = DaemonUnit.mainPid(s);
          String config = s.readFile(AgentInSandbox.CONFIG_YML);
          String before = metrics();
          assertThat(DaemonLooks.sample(before, "warehouse_agent_config_last_reload_success"))
              .isEqualTo(1);

          s.writeFile(AgentInSandbox.CONFIG, good.replace("interval: 1h", "interval: soon"));
          try {
            invalidAgentYmlIsRefused(before, daemonPid, config);
          } finally {
            s.writeFile(AgentInSandbox.CONFIG, good);
          }
          s.checkOutput("systemctl", "reload", UNIT);
          Await.until(
              "the reload of the fixed file",
              Duration.ofSeconds(20),
              () ->
                  grew(before, metricsIfUp(), "warehouse_agent_config_reloads_total{result=\"ok\"}")
                      == 1);
          assertThat(DaemonLooks.sample(metrics(), "warehouse_agent_config_last_reload_success"))
              .isEqualTo(1);
          recovers(0, working);
        });
  }

  /** The daemon and the CLI refuse the invalid agent.yml now in place, and nothing changes. */
  private static void invalidAgentYmlIsRefused(String before, long daemonPid, String config)
      throws IOException {
    Sandbox s = host.sandbox();
    s.checkOutput("systemctl", "reload", UNIT);

    Await.until(
        "the daemon to refuse the reload",
        Duration.ofSeconds(20),
        () ->
            grew(before, metricsIfUp(), "warehouse_agent_config_reloads_total{result=\"failed\"}")
                == 1);
    String after = metrics();
    assertThat(DaemonLooks.sample(after, "warehouse_agent_config_last_reload_success")).isZero();
    assertThat(DaemonLooks.sample(after, "warehouse_agent_interval_seconds")).isEqualTo(3600);
    assertThat(journal())
        .containsPattern(
            Pattern.quote(AgentInSandbox.CONFIG)
                + " is invalid; keeping the settings loaded at .*"
                + Pattern.quote(AgentInSandbox.CONFIG)
                + ":\\d+: interval: .soon. is not a duration");
    assertThat(DaemonUnit.mainPid(s)).isEqualTo(daemonPid);

    // converge --now reads the same file first: refused with file:line, nothing changed.
    ExecResult run = new AgentInSandbox(host).converge();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(78);
    assertThat(run.stderr())
        .containsPattern(
            Pattern.quote(AgentInSandbox.CONFIG) + ":\\d+: interval: .soon. is not a duration");
    assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
    assertWorking(host, working);
  }

  @Test
  @Order(11)
  void invalidAttributes(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          AgentInSandbox agent = new AgentInSandbox(host);
          String config = s.readFile(AgentInSandbox.CONFIG_YML);
          long pid = agent.mainPid();
          String before = metrics();

          s.writeFile(BAD_ATTRIBUTES, "warehouse:\n  config: [unclosed\n");
          ExecResult syntax = agent.converge();
          assertThat(syntax.exitCode()).as(syntax.toString()).isEqualTo(78);
          assertThat(syntax.stderr()).contains(BAD_ATTRIBUTES + ":3:1", "nothing changed");

          s.writeFile(BAD_ATTRIBUTES, "warehouse:\n  config: just-a-string\n");
          ExecResult conflict = agent.converge();
          assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(78);
          assertThat(conflict.stderr())
              .contains("warehouse.config", "10-warehouse.yml", "20-bad.yml", "nothing changed");

          assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
          assertThat(agent.mainPid()).isEqualTo(pid);
          assertWorking(host, working);
          assertThat(agent.run("status").stdout()).contains("invalid input, nothing changed");
          String after = metrics();
          assertThat(grew(before, after, runs("failed", "manual"))).isEqualTo(2);
          assertThat(DaemonLooks.sample(after, LAST_RUN_SUCCESS)).isZero();

          s.exec(List.of("rm", BAD_ATTRIBUTES)).requireSuccess();
          recovers(0, working);
          assertThat(agent.mainPid()).isEqualTo(pid);
        });
  }

  @Test
  @Order(12)
  void missingSecret(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          AgentInSandbox agent = new AgentInSandbox(host);
          String config = s.readFile(AgentInSandbox.CONFIG_YML);
          long pid = agent.mainPid();
          String before = metrics();
          s.exec(List.of("rm", SECRET_FILE)).requireSuccess();

          ExecResult run = agent.converge();

          assertThat(run.exitCode()).as(run.toString()).isEqualTo(78);
          assertThat(run.stderr()).contains("db_password", "nothing changed");
          assertThat(run.stdout() + run.stderr()).doesNotContain(SECRET);
          assertThat(s.readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(config);
          assertThat(agent.mainPid()).isEqualTo(pid);
          assertWorking(host, working);
          assertFailedRunCounted(before, metrics());

          s.writeFile(SECRET_FILE, SECRET);
          Files.setPosixFilePermissions(
              s.hostPath(SECRET_FILE), PosixFilePermissions.fromString("rw-------"));
          recovers(0, working);
        });
  }

  @Test
  @Order(13)
  void serviceThatWillNotStart(SandboxHost h) throws Exception {
    badRelease(
        h,
        PackageKind.CRASH,
        "(did not start|started but did not stay up|stopped while waiting for its health check)");
  }

  @Test
  @Order(14)
  void healthCheckThatFails(SandboxHost h) throws Exception {
    badRelease(h, PackageKind.UNHEALTHY, "failed health check");
  }

  private static void badRelease(SandboxHost h, PackageKind kind, String failure) throws Exception {
    row(
        h,
        () -> {
          AgentInSandbox agent = new AgentInSandbox(host);
          String bad = nextVersion();
          host.publish(deb(host, working), host.buildWarehouse(bad, kind));
          String before = metrics();

          ExecResult run = agent.converge();

          // Failed (4) and changed (2): the service was restarted, twice.
          assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
          assertThat(run.stdout())
              .containsPattern(
                  "warehouse-web\\.service "
                      + failure
                      + ".* after upgrade of warehouse to "
                      + Pattern.quote(bad))
              .contains("rolled back to warehouse " + working);
          if (kind == PackageKind.UNHEALTHY) {
            // 500s; on a loaded machine a try may time out instead: a failed check either way.
            assertThat(run.stdout())
                .containsPattern(
                    "\\((HTTP 500|no answer) from " + Pattern.quote(host.healthUrl()) + " \\(");
          }
          assertWorking(host, working);
          String after = metrics();
          assertFailedRunCounted(before, after);
          assertThat(grew(before, after, ROLLBACKS)).isEqualTo(1);
          assertThat(grew(before, after, RESTARTS_FAILED)).isEqualTo(1);

          // The next run leaves the quarantined version alone; a newer good one installs.
          ExecResult quarantined = agent.converge();
          assertThat(quarantined.exitCode()).as(quarantined.toString()).isZero();
          assertThat(quarantined.stderr()).contains(bad + " quarantined");
          assertWorking(host, working);
          String newer = nextVersion();
          host.publish(deb(host, bad), host.buildWarehouse(newer));
          recovers(2, newer);
        });
  }

  @Test
  @Order(15)
  void agentKilledMidInstallAndRestartedBySystemd(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          String next = nextVersion();
          publishSlowPostinst(next, 5);
          long daemonPid = DaemonUnit.mainPid(s);
          int restarts = Integer.parseInt(show("NRestarts"));
          ExecResult lost;
          Instant killed;
          try (SandboxProcess cli = convergeInBackground()) {
            awaitPostinst();
            s.exec(List.of("kill", "-9", Long.toString(daemonPid))).requireSuccess();
            killed = Instant.now();
            lost = cli.waitFor(Duration.ofSeconds(90));
          }
          assertThat(lost.exitCode()).as(lost.toString()).isEqualTo(1);
          assertThat(lost.stderr()).contains("lost the daemon during the run");

          // systemd restarts it (Restart=on-failure); its first run finishes the install.
          Await.until(
              "systemd to restart the agent",
              Duration.ofMinutes(2),
              () -> {
                long pid = DaemonUnit.mainPid(s);
                return pid != 0 && pid != daemonPid && show("ActiveState").equals("active");
              });
          assertThat(Integer.parseInt(show("NRestarts"))).isEqualTo(restarts + 1);
          Await.until(
              "the restarted agent's first run",
              Duration.ofMinutes(2),
              () ->
                  DaemonLooks.sample(metricsIfUp(), runs("changed", "scheduled"))
                          + DaemonLooks.sample(metricsIfUp(), runs("failed", "scheduled"))
                      >= 1);
          assertThat(DaemonLooks.sample(metrics(), runs("changed", "scheduled"))).isEqualTo(1);
          JsonNode last = history().get(history().size() - 1);
          assertThat(Instant.parse(last.get("start").asText())).isAfter(killed);
          assertWorking(host, next);
          working = next;
          // systemd SIGKILLs what is left of the unit (apt-get, dpkg, the postinst): dpkg is left
          // interrupted, and the restarted agent's first run finishes it before anything else.
          assertThat(journal()).contains("status=9/KILL", "(dpkg) with signal SIGKILL");
          String restarted = "agent[" + DaemonUnit.mainPid(s) + "]: ";
          assertThat(journal())
              .containsPattern(
                  Pattern.quote(restarted)
                      + "package:warehouse changed: .*repaired interrupted dpkg \\(dpkg --configure"
                      + " -a\\)");

          recovers(0, next);
        });
  }

  @Test
  @Order(16)
  void convergeNowTwiceAtOnce(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          String next = nextVersion();
          publishSlowPostinst(next, 3);
          int historyBefore = history().size();
          String before = metrics();
          ExecResult a;
          ExecResult b;
          ExecResult c;
          try (SandboxProcess first = convergeInBackground("--json")) {
            // While the first request's run installs, two more arrive at once: they wait for it,
            // then share one run.
            awaitPostinst();
            try (SandboxProcess second = convergeInBackground("--json");
                SandboxProcess third = convergeInBackground("--json")) {
              a = first.waitFor(Duration.ofMinutes(2));
              b = second.waitFor(Duration.ofMinutes(2));
              c = third.waitFor(Duration.ofMinutes(2));
            }
          }

          assertThat(a.exitCode()).as(a.toString()).isEqualTo(2);
          assertThat(b.exitCode()).as(b.toString()).isZero();
          assertThat(c.exitCode()).as(c.toString()).isZero();
          assertThat(b.stderr())
              .contains("a converge is in progress; this request runs right after it");
          JsonNode ra = Json.mapper().readTree(a.stdout());
          JsonNode rb = Json.mapper().readTree(b.stdout());
          JsonNode rc = Json.mapper().readTree(c.stdout());
          assertThat(rb.get("runId").asText()).isEqualTo(rc.get("runId").asText());
          assertThat(rb.get("runId").asText()).isNotEqualTo(ra.get("runId").asText());
          // Two runs for three requests, one after the other.
          List<JsonNode> recorded = history().subList(historyBefore, history().size());
          assertThat(recorded).hasSize(2);
          assertThat(Instant.parse(recorded.get(1).get("start").asText()))
              .isAfterOrEqualTo(Instant.parse(recorded.get(0).get("end").asText()));
          String after = metrics();
          assertThat(grew(before, after, runs("changed", "manual"))).isEqualTo(1);
          assertThat(grew(before, after, runs("unchanged", "manual"))).isEqualTo(1);
          assertWorking(host, next);
          working = next;
          recovers(0, next);
        });
  }

  @Test
  @Order(17)
  void wallClockJumpsAnHourForwardThenBack(SandboxHost h) throws Exception {
    row(
        h,
        () -> {
          Sandbox s = host.sandbox();
          Path lib = libfaketime();
          // libfaketime in the agent's environment only: the sandbox shares the host's clock.
          // It re-reads the offset file at most once a second; the monotonic clock (the JVM's
          // timed waits) stays real.
          s.writeFile(FAKETIME_FILE, "+0\n");
          s.writeFile(
              UNIT_DIR + "faketime.conf",
              "[Service]\nEnvironment=LD_PRELOAD="
                  + lib
                  + " FAKETIME_TIMESTAMP_FILE="
                  + FAKETIME_FILE
                  + " FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1\n");
          String good = s.readFile(AgentInSandbox.CONFIG);
          // Slots every 10 minutes: an hour forward skips six of them.
          s.writeFile(AgentInSandbox.CONFIG, good.replace("interval: 1h", "interval: 10m"));
          try {
            s.checkOutput("systemctl", "daemon-reload");
            s.checkOutput("systemctl", "restart", UNIT);
            Await.until(
                "the first run after the restart",
                Duration.ofMinutes(2),
                () -> scheduledRuns(metricsIfUp()) == 1);
            assertThat(DaemonLooks.sample(metrics(), "warehouse_agent_interval_seconds"))
                .isEqualTo(600);
            double nextRun =
                DaemonLooks.sample(metrics(), "warehouse_agent_next_run_timestamp_seconds");
            double now = System.currentTimeMillis() / 1000.0;
            // The first slot after a start is at least half an interval after the first run.
            assertThat(nextRun).isBetween(now, now + 900 + 5);

            long jumped = System.nanoTime();
            s.writeFile(FAKETIME_FILE, "+1h\n");
            // Six slots were missed: one run, at once (within Quartz's idle wait), not six.
            Await.until(
                "one run after the jump forward",
                Duration.ofSeconds(90),
                () -> scheduledRuns(metricsIfUp()) == 2);
            System.out.printf(
                "clock: the run after the jump forward came %d ms after it%n",
                (System.nanoTime() - jumped) / 1_000_000);
            Thread.sleep(10_000);
            String forward = metrics();
            assertThat(scheduledRuns(forward)).isEqualTo(2);
            double later = System.currentTimeMillis() / 1000.0 + 3600;
            assertThat(DaemonLooks.sample(forward, "warehouse_agent_next_run_timestamp_seconds"))
                .isBetween(later, later + 600 + 5);
            assertThat(DaemonLooks.sample(forward, "warehouse_agent_last_run_timestamp_seconds"))
                .isGreaterThan(later - 120);
            ExecResult manual = new AgentInSandbox(host).converge();
            assertThat(manual.exitCode()).as(manual.toString()).isZero();

            long back = System.nanoTime();
            s.writeFile(FAKETIME_FILE, "+0\n");
            // The next slot is an hour and more away now: the agent takes the next slot from the
            // clock it has, instead of skipping six.
            Await.until(
                "the next run back within an interval",
                Duration.ofMinutes(1),
                () -> {
                  double next =
                      DaemonLooks.sample(
                          metricsIfUp(), "warehouse_agent_next_run_timestamp_seconds");
                  double t = System.currentTimeMillis() / 1000.0;
                  return next > t && next <= t + 600 + 5;
                });
            System.out.printf(
                "clock: rescheduled %d ms after the jump back%n",
                (System.nanoTime() - back) / 1_000_000);
            assertThat(scheduledRuns(metrics())).isEqualTo(2);
            assertThat(journal()).contains("wall clock went back");
            ExecResult after = new AgentInSandbox(host).converge();
            assertThat(after.exitCode()).as(after.toString()).isZero();
            assertWorking(host, working);
          } finally {
            s.exec(List.of("rm", UNIT_DIR + "faketime.conf")).requireSuccess();
            s.writeFile(AgentInSandbox.CONFIG, good);
            s.checkOutput("systemctl", "daemon-reload");
            s.checkOutput("systemctl", "restart", UNIT);
          }
        });
  }

  private static double scheduledRuns(String scrape) {
    double n = 0;
    for (String result : List.of("changed", "unchanged", "failed")) {
      n += DaemonLooks.sample(scrape, runs(result, "scheduled"));
    }
    return n;
  }

  /** libfaketime's multi-threaded library from Debian's libfaketime (install-deps.sh). */
  private static Path libfaketime() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
      return dirs.map(d -> d.resolve("faketime/libfaketimeMT.so.1"))
          .filter(Files::isRegularFile)
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "libfaketimeMT.so.1 not found under /usr/lib/*/faketime:"
                          + " run test-fixtures/install-deps.sh"));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
