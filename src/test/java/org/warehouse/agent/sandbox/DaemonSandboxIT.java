package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.warehouse.agent.sandbox.DaemonLooks.lastRun;
import static org.warehouse.agent.sandbox.DaemonLooks.sample;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.state.Json;

/**
 * {@code agent daemon} under the sandbox's real systemd, with the unit from systemd/ (a drop-in
 * points ExecStart at the built launcher): it converges on its own, answers {@code converge --now}
 * over its socket, serves metrics promtool accepts, survives SIGHUP with a bad agent.yml, and stops
 * on SIGTERM in the middle of a slow install without breaking dpkg.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonSandboxIT {
  private static final String UNIT = DaemonUnit.UNIT;
  private static final String LAST_RUN = DaemonLooks.LAST_RUN;
  private static final String SECRET = "s3cret-value";
  private static final int PORT = freePort();

  private static int freePort() {
    // The sandbox shares the host's network namespace: pick a port nobody else uses right now.
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String agentYml(SandboxHost host, String interval) {
    return AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("interval: 30m\n", "")
            // Converges only when a test asks or a slot comes: no release probe between them.
            .replace("apt:\n", "apt:\n  probe_interval: 0s\n")
        + "interval: "
        + interval
        + "\nsplay: 2s\nfirst_run_delay: 1s\nmetrics:\n  listen: 127.0.0.1:"
        + PORT
        + "\n";
  }

  private static String journal(SandboxHost host) {
    return host.sandbox().journal(UNIT);
  }

  private static String show(SandboxHost host, String property) {
    return host.sandbox()
        .checkOutput("systemctl", "show", "--property=" + property, "--value", UNIT)
        .strip();
  }

  private static String metrics(SandboxHost host) {
    return DaemonLooks.metrics(host, PORT);
  }

  /** Runs {@code body}; a failure carries the daemon's journal. */
  private static void withJournal(SandboxHost host, ThrowingRunnable body) throws Exception {
    try {
      body.run();
    } catch (AssertionError e) {
      AssertionError withJournal =
          new AssertionError(e.getMessage() + "\n--- journal of " + UNIT + ":\n" + journal(host));
      withJournal.initCause(e);
      throw withJournal;
    }
  }

  /** A test body. */
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static boolean idle(SandboxHost host) {
    ExecResult r = new AgentInSandbox(host).run("status", "--json");
    try {
      JsonNode daemon = Json.mapper().readTree(r.stdout()).get("daemon");
      return daemon != null && daemon.get("runningSince").isNull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String runs(String result, String trigger) {
    return "warehouse_agent_converge_runs_total{result=\""
        + result
        + "\",trigger=\""
        + trigger
        + "\"}";
  }

  @Test
  @Order(1)
  void runsUnderSystemdAndConvergesOnItsOwn(SandboxHost host) throws Exception {
    withJournal(
        host,
        () -> {
          AgentInSandbox agent = new AgentInSandbox(host);
          Sandbox s = host.sandbox();
          host.publish(host.buildWarehouse("18.09.01"));
          agent.configure(
              agentYml(host, "20s"),
              Map.of(
                  "10-warehouse.yml",
                  "warehouse:\n  config:\n    site: pypi\n    db_password: !secret db_password\n"));
          // Not through LoadCredential=: in this sandbox systemd's credentials directory stays
          // empty
          // even for `systemd-run -p LoadCredential=x:/etc/hostname`, so the secrets directory it
          // is.
          s.writeFile("/etc/warehouse-agent/secrets/db_password", SECRET);
          Files.setPosixFilePermissions(
              s.hostPath("/etc/warehouse-agent/secrets/db_password"),
              PosixFilePermissions.fromString("rw-------"));
          DaemonUnit.install(s);

          s.checkOutput("systemctl", "start", UNIT);

          Await.until(
              "a scheduled converge recorded in " + LAST_RUN + "\n" + journal(host),
              Duration.ofSeconds(90),
              () -> Files.exists(s.hostPath(LAST_RUN)));
          Await.until(
              "the first converge over",
              Duration.ofSeconds(60),
              () -> lastRun(host).get("result").asText().equals("changed"));
          JsonNode run = lastRun(host);
          assertThat(run.get("trigger").asText()).isEqualTo("scheduled");
          assertThat(agent.installedVersion()).isEqualTo("18.09.01");
          assertThat(s.readFile(AgentInSandbox.CONFIG_YML))
              .contains("db_password: \"" + SECRET + "\"");
          assertThat(show(host, "ActiveState")).isEqualTo("active");
          assertThat(journal(host)).contains("agent daemon", "started: first converge at");
          // Owner-only control socket in an owner-only directory.
          assertThat(
                  PosixFilePermissions.toString(
                      Files.getPosixFilePermissions(
                          s.hostPath("/run/warehouse-agent/control.sock"))))
              .isEqualTo("rw-------");
          assertThat(
                  PosixFilePermissions.toString(
                      Files.getPosixFilePermissions(s.hostPath("/run/warehouse-agent"))))
              .isEqualTo("rwx------");
        });
  }

  @Test
  @Order(2)
  void convergeNowRunsInTheDaemonStreamingItsLogWithTheRightExitCodes(SandboxHost host)
      throws Exception {
    AgentInSandbox agent = new AgentInSandbox(host);
    // A valid reload: an hour's interval keeps scheduled runs out of the rest of the tests.
    host.sandbox().writeFile(AgentInSandbox.CONFIG, agentYml(host, "1h"));
    host.sandbox().checkOutput("systemctl", "reload", UNIT);
    Await.until(
        "the reload to a 1h interval",
        Duration.ofSeconds(20),
        () -> sample(metrics(host), "warehouse_agent_interval_seconds") == 3600);
    assertThat(journal(host)).contains("SIGHUP: reloaded " + AgentInSandbox.CONFIG);
    Await.until("the daemon idle", Duration.ofSeconds(60), () -> idle(host));
    host.publish(host.buildWarehouse("18.09.01"), host.buildWarehouse("18.09.02"));
    long daemonPid = Long.parseLong(show(host, "MainPID"));

    ExecResult upgrade = agent.converge();

    assertThat(upgrade.exitCode()).as(upgrade.toString()).isEqualTo(2);
    assertThat(upgrade.stdout()).contains("package:warehouse: 18.09.01 -> 18.09.02");
    // The daemon's run, streamed: its log lines appear on the CLI's stderr as they happen.
    assertThat(upgrade.stderr()).contains("converge started (manual", "converge changed in");
    assertThat(agent.installedVersion()).isEqualTo("18.09.02");
    assertThat(journal(host)).contains("converge requested over the control socket by user root");
    assertThat(lastRun(host).get("trigger").asText()).isEqualTo("manual");

    ExecResult again = agent.converge();
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.stdout()).contains("result: unchanged");

    ExecResult status = agent.run("status");
    assertThat(status.exitCode()).isZero();
    assertThat(status.stdout()).containsPattern("next run: +20\\d\\d-.*\\(daemon pid \\d+\\)");
    assertThat(Long.parseLong(show(host, "MainPID"))).isEqualTo(daemonPid);
  }

  @Test
  @Order(3)
  void metricsPassPromtoolAndCountManualAndScheduledRuns(SandboxHost host) throws Exception {
    withJournal(
        host,
        () -> {
          String scrape = metrics(host);

          ExecResult check = Promtool.checkMetrics(scrape);

          assertThat(check.exitCode()).as(check.toString()).isZero();
          assertThat(sample(scrape, runs("changed", "scheduled"))).isGreaterThanOrEqualTo(1);
          assertThat(sample(scrape, runs("changed", "manual"))).isEqualTo(1);
          assertThat(sample(scrape, runs("unchanged", "manual"))).isEqualTo(1);
          assertThat(sample(scrape, "warehouse_agent_interval_seconds")).isEqualTo(3600);
          assertThat(
                  sample(
                      scrape,
                      "warehouse_agent_package_info{candidate=\"18.09.02\",installed=\"18.09.02\",package=\"warehouse\"}"))
              .isEqualTo(1);
          assertThat(sample(scrape, "warehouse_agent_last_run_success")).isEqualTo(1);
          assertThat(sample(scrape, "warehouse_agent_next_run_timestamp_seconds"))
              .isGreaterThan(System.currentTimeMillis() / 1000.0 - 5);
          assertThat(scrape)
              .contains(
                  "warehouse_agent_repository_polls_total{repository=\"warehouse\",result=\"modified\"}",
                  "warehouse_agent_service_restarts_total{result=\"ok\",service=\"warehouse-web.service\"} 1",
                  "warehouse_agent_build_info{version=\"",
                  "process_resident_memory_bytes");
        });
  }

  // Inside the sandbox, 10 clients of each kind that reconnect whenever the daemon hangs up:
  // idle and half a request line on the control socket, idle and half a request on /metrics.
  private static final String BAD_CLIENTS =
      """
      import socket, threading, time
      def hold(make, first):
          while True:
              try:
                  s = make()
                  s.sendall(first)
                  while s.recv(4096):
                      pass
                  s.close()
              except OSError:
                  time.sleep(0.05)
      def unix():
          s = socket.socket(socket.AF_UNIX)
          s.connect('/run/warehouse-agent/control.sock')
          return s
      def tcp():
          return socket.create_connection(('127.0.0.1', PORT))
      for make, first in ((unix, b''), (unix, b'{"type":"conv'), (tcp, b''), (tcp, b'GET /met')):
          for i in range(10):
              threading.Thread(target=hold, args=(make, first), daemon=True).start()
      time.sleep(1)
      print('held', flush=True)
      time.sleep(600)
      """;

  @Test
  @Order(4)
  void slowAndIdleClientsBlockNeitherScrapesNorConvergeNow(SandboxHost host) throws Exception {
    AgentInSandbox agent = new AgentInSandbox(host);
    Await.until("the daemon idle", Duration.ofSeconds(60), () -> idle(host));
    try (SandboxProcess clients =
        host.sandbox()
            .startBackground(
                List.of("python3", "-c", BAD_CLIENTS.replace("PORT", String.valueOf(PORT))))) {
      Await.until(
          "the bad clients connected",
          Duration.ofSeconds(20),
          () -> clients.stdoutSoFar().contains("held"));
      withJournal(
          host,
          () -> {
            for (int i = 0; i < 3; i++) {
              long start = System.nanoTime();
              assertThat(metrics(host)).contains("warehouse_agent_build_info");
              assertThat(Duration.ofNanos(System.nanoTime() - start))
                  .isLessThan(Duration.ofSeconds(3));
            }
            ExecResult converge = agent.converge();
            assertThat(converge.exitCode()).as(converge.toString()).isZero();
            assertThat(converge.stdout()).contains("result: unchanged");
            ExecResult status = agent.run("status");
            assertThat(status.stderr()).doesNotContain("cannot ask the daemon");
            assertThat(clients.isAlive()).as(clients.stderrSoFar()).isTrue();
          });
    }
  }

  @Test
  @Order(5)
  void sighupWithABadConfigKeepsTheOldSettingsAndSaysWhy(SandboxHost host) throws Exception {
    withJournal(
        host,
        () -> {
          AgentInSandbox agent = new AgentInSandbox(host);
          Sandbox s = host.sandbox();
          String good = s.readFile(AgentInSandbox.CONFIG);
          long pid = Long.parseLong(show(host, "MainPID"));
          double nextRun = sample(metrics(host), "warehouse_agent_next_run_timestamp_seconds");
          double unchangedBefore = sample(metrics(host), runs("unchanged", "manual"));
          assertThat(nextRun).as("next run before the reload").isNotNaN();

          s.writeFile(AgentInSandbox.CONFIG, good.replace("interval: 1h", "interval: soon"));
          s.checkOutput("systemctl", "reload", UNIT);

          Await.until(
              "the daemon logs why it kept its settings",
              Duration.ofSeconds(20),
              () -> journal(host).contains("is invalid; keeping the settings loaded at"));
          assertThat(journal(host))
              .containsPattern(
                  Pattern.quote(AgentInSandbox.CONFIG)
                      + ":\\d+: interval: .soon. is not a duration");
          assertThat(show(host, "ActiveState")).isEqualTo("active");
          assertThat(Long.parseLong(show(host, "MainPID"))).isEqualTo(pid);
          String scrape = metrics(host);
          assertThat(sample(scrape, "warehouse_agent_interval_seconds")).isEqualTo(3600);
          assertThat(sample(scrape, "warehouse_agent_next_run_timestamp_seconds"))
              .isEqualTo(nextRun);
          // It still converges, with the settings it kept (the CLI itself reads a good copy).
          s.writeFile("/etc/warehouse-agent/agent-copy.yml", good);
          ExecResult run =
              agent.runWith(
                  "/etc/warehouse-agent/agent-copy.yml",
                  "converge",
                  "--now",
                  "--detailed-exitcodes");
          assertThat(run.exitCode()).as(run.toString()).isZero();
          assertThat(sample(metrics(host), runs("unchanged", "manual")))
              .isEqualTo(unchangedBefore + 1);

          s.writeFile(AgentInSandbox.CONFIG, good);
          s.checkOutput("systemctl", "reload", UNIT);
          Await.until(
              "the reload with the good file again",
              Duration.ofSeconds(20),
              () -> journal(host).split("SIGHUP: reloaded", -1).length == 3);
        });
  }

  @Test
  @Order(6)
  void disableSkipsScheduledRunsUntilEnableAndConvergeNowNeedsForce(SandboxHost host)
      throws Exception {
    withJournal(
        host,
        () -> {
          AgentInSandbox agent = new AgentInSandbox(host);
          Sandbox s = host.sandbox();
          String good = s.readFile(AgentInSandbox.CONFIG);
          try {
            disabledThenEnabled(host, agent, s);
          } finally {
            // Whatever happened, the next test gets an enabled daemon on the 1h interval.
            agent.run("enable");
            s.writeFile(AgentInSandbox.CONFIG, good);
            s.checkOutput("systemctl", "reload", UNIT);
            Await.until(
                "the reload to the 1h interval again",
                Duration.ofSeconds(20),
                () -> sample(metrics(host), "warehouse_agent_interval_seconds") == 3600);
            Await.until("the daemon idle", Duration.ofSeconds(60), () -> idle(host));
          }
        });
  }

  private static void disabledThenEnabled(SandboxHost host, AgentInSandbox agent, Sandbox s)
      throws Exception {
    ExecResult disable = agent.run("disable", "--reason", "OPS-42 schema migration");
    assertThat(disable.exitCode()).as(disable.toString()).isZero();
    String lastId = lastRun(host).get("runId").asText();
    // Scheduled runs every 10 s (the shortest allowed) from now on: each one comes due and is
    // skipped.
    s.writeFile(AgentInSandbox.CONFIG, agentYml(host, "10s"));
    s.checkOutput("systemctl", "reload", UNIT);

    Await.until(
        "two scheduled converges skipped",
        Duration.ofSeconds(60),
        () ->
            sample(metrics(host), "warehouse_agent_converge_skipped_total{reason=\"disabled\"}")
                >= 2);
    String scrape = metrics(host);
    assertThat(sample(scrape, "warehouse_agent_disabled")).isEqualTo(1);
    assertThat(sample(scrape, "warehouse_agent_disabled_since_timestamp_seconds"))
        .isGreaterThan(System.currentTimeMillis() / 1000.0 - 120);
    assertThat(lastRun(host).get("runId").asText()).as("no run recorded").isEqualTo(lastId);
    assertThat(journal(host))
        .contains("scheduled converge skipped: converges are disabled by root since ")
        .contains(": OPS-42 schema migration ('agent enable' resumes them)");
    ExecResult status = agent.run("status");
    assertThat(status.stdout()).contains("DISABLED:    disabled by root since ");

    ExecResult refused = agent.converge();
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(75);
    assertThat(refused.stderr()).contains("OPS-42 schema migration", "--force");
    ExecResult forced = agent.run("converge", "--now", "--force", "--detailed-exitcodes");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(lastRun(host).get("trigger").asText()).isEqualTo("manual");

    ExecResult enable = agent.run("enable");
    assertThat(enable.exitCode()).as(enable.toString()).isZero();
    Await.until(
        "a scheduled converge after enable",
        Duration.ofSeconds(60),
        () -> lastRun(host).get("trigger").asText().equals("scheduled"));
    assertThat(sample(metrics(host), "warehouse_agent_disabled")).isZero();
  }

  @Test
  @Order(7)
  void sigtermDuringASlowInstallLetsDpkgFinishAndExitsZero(SandboxHost host) throws Exception {
    withJournal(
        host,
        () -> {
          AgentInSandbox agent = new AgentInSandbox(host);
          Sandbox s = host.sandbox();
          int postinstSeconds = 8;
          host.publish(
              host.buildWarehouse("18.09.02"),
              PackageBuilder.warehouse("18.09.03")
                  .kind(PackageKind.SLOW_POSTINST)
                  .seconds(postinstSeconds)
                  .buildInto(host.debsDir()));
          try (SandboxProcess cli =
              s.startBackground(
                  List.of(
                      Fixtures.agentLauncher().toString(),
                      "converge",
                      "--now",
                      "--detailed-exitcodes",
                      "--config",
                      AgentInSandbox.CONFIG))) {
            Await.until(
                "the postinst of 18.09.03 sleeping",
                Duration.ofSeconds(90),
                () -> Files.exists(s.hostPath("/run/warehouse-fixture/postinst.pid")));
            long t0 = System.nanoTime();

            ExecResult stop =
                s.exec(List.of("systemctl", "stop", UNIT), Map.of(), Duration.ofMinutes(3));

            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            // systemctl stop waited for the install: dpkg was not killed.
            assertThat(took).isGreaterThan(Duration.ofSeconds(postinstSeconds / 2));
            ExecResult audit = s.exec(List.of("dpkg", "--audit"));
            assertThat(audit.exitCode()).as(audit.toString()).isZero();
            assertThat(audit.stdout()).isEmpty();
            assertThat(
                    s.checkOutput(
                        "dpkg-query", "--showformat=${Version} ${Status}", "--show", "warehouse"))
                .isEqualTo("18.09.03 install ok installed");
            assertThat(show(host, "ActiveState")).isEqualTo("inactive");
            assertThat(show(host, "Result")).isEqualTo("success");
            assertThat(show(host, "ExecMainStatus")).isEqualTo("0");
            assertThat(journal(host)).contains("stopping (SIGTERM)", "stopped");

            // The run ended after the install: the rest skipped, the restart still done, all
            // reported.
            ExecResult run = cli.waitFor(Duration.ofSeconds(60));
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(run.stdout())
                .contains("package:warehouse: 18.09.02 -> 18.09.03", "agent stopping (SIGTERM)")
                .contains("notify changed");
            JsonNode last = lastRun(host);
            assertThat(last.get("error").asText())
                .contains("stopped before", "agent stopping (SIGTERM)");
            assertThat(agent.unitActiveState()).isEqualTo("active");
          }
        });
  }
}
