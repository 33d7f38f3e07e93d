package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's whole job on a real (sandboxed) Debian host: real apt against a signed repository on
 * loopback, real dpkg, real files, real systemd. One host for the class; each step builds on the
 * previous one, as runs do on a server.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConvergeSandboxIT {
  private static final String INRELEASE = "/dists/stable/InRelease";

  private static AgentInSandbox agent(SandboxHost host) {
    return new AgentInSandbox(host);
  }

  private static long statusLines(SandboxHost host, String path, int status) {
    return host.server().requests(path).stream().filter(r -> r.status() == status).count();
  }

  @Test
  @Order(1)
  void freshHostInstallsRendersAndStartsThenNothingChanges(SandboxHost host) throws Exception {
    AgentInSandbox agent = agent(host);
    host.publish(host.buildWarehouse("18.09.01"), host.buildWarehouse("18.09.1~rc1"));
    agent.configure(
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            .replace("group: root", "group: www-data"),
        Map.of(
            "10-warehouse.yml",
            "warehouse:\n  config:\n    site: pypi\n    debug: no\n    umask: 0755\n    port: "
                + host.webPort()
                + "\n"));

    ExecResult first = agent.converge();

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.01");
    String config = host.sandbox().readFile(AgentInSandbox.CONFIG_YML);
    assertThat(config)
        .startsWith("# Managed by warehouse-agent")
        .contains("debug: \"no\"", "umask: \"0755\"", "port: " + host.webPort());
    Path configPath = host.sandbox().hostPath(AgentInSandbox.CONFIG_YML);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configPath)))
        .isEqualTo("rw-r-----");
    assertThat(agent.unitActiveState()).isEqualTo("active");
    // The service really runs the installed version and read the rendered config.
    HttpResponse health = host.sandbox().httpGet("http://127.0.0.1:" + host.webPort() + "/");
    assertThat(health.body())
        .contains("\"version\": \"18.09.01\"", "\"site\": \"pypi\"", "\"debug\": \"no\"");

    // Second run: the repository answers 304, no apt-get update, nothing changes, no restart.
    long pid = agent.mainPid();
    host.server().clearRequests();
    BasicFileAttributes before = Files.readAttributes(configPath, BasicFileAttributes.class);

    ExecResult second = agent.converge();

    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.stdout()).contains("result: unchanged");
    assertThat(agent.mainPid()).isEqualTo(pid);
    assertThat(host.server().requests()).hasSize(1);
    assertThat(statusLines(host, INRELEASE, 304)).isEqualTo(1);
    BasicFileAttributes after = Files.readAttributes(configPath, BasicFileAttributes.class);
    assertThat(after.fileKey()).isEqualTo(before.fileKey());
    assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
    // Confined: the host's other apt sources were never refreshed by the agent.
    assertThat(host.sandbox().readFile("/etc/apt/sources.list.d/warehouse-agent.list"))
        .contains("[signed-by=" + AgentInSandbox.KEY + "] " + host.server().uri());
  }

  @Test
  @Order(2)
  void aNewerVersionIsInstalledAndTheServiceRestartedOnce(SandboxHost host) throws Exception {
    AgentInSandbox agent = agent(host);
    long pid = agent.mainPid();
    // 18.09.10 > 18.09.9 > 18.09.1~rc1 as dpkg orders them; an epoch-less newest wins.
    host.publish(
        host.buildWarehouse("18.09.01"),
        host.buildWarehouse("18.09.9"),
        host.buildWarehouse("18.09.10"));
    host.server().clearRequests();

    ExecResult run = agent.converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(agent.installedVersion()).isEqualTo("18.09.10");
    assertThat(statusLines(host, INRELEASE, 200)).isGreaterThanOrEqualTo(1);
    long newPid = agent.mainPid();
    assertThat(newPid).isNotEqualTo(pid).isPositive();
    assertThat(run.stdout())
        .containsOnlyOnce("notify changed")
        .contains("service:warehouse-web.service");
    assertThat(host.sandbox().httpGet(host.healthUrl()).body()).contains("18.09.10");
  }

  @Test
  @Order(3)
  void changingOneAttributeRewritesConfigAndRestartsOnceThenNothing(SandboxHost host)
      throws Exception {
    AgentInSandbox agent = agent(host);
    long pid = agent.mainPid();
    host.sandbox()
        .writeFile(
            AgentInSandbox.ATTRIBUTES + "/20-override.yml",
            "warehouse:\n  config:\n    site: test.pypi\n");

    ExecResult run = agent.converge();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(host.sandbox().readFile(AgentInSandbox.CONFIG_YML)).contains("site: test.pypi");
    long newPid = agent.mainPid();
    assertThat(newPid).isNotEqualTo(pid);
    assertThat(host.sandbox().httpGet("http://127.0.0.1:" + host.webPort() + "/").body())
        .contains("test.pypi");
    PosixFileAttributes attrs =
        Files.readAttributes(
            host.sandbox().hostPath(AgentInSandbox.CONFIG_YML), PosixFileAttributes.class);
    assertThat(attrs.owner().getName()).isEqualTo("root");
    assertThat(attrs.group().getName()).isEqualTo("www-data");

    ExecResult again = agent.converge();
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(agent.mainPid()).isEqualTo(newPid);
  }

  @Test
  @Order(4)
  void whyRunShowsTheDiffAndChangesNothing(SandboxHost host) throws Exception {
    AgentInSandbox agent = agent(host);
    String before = host.sandbox().readFile(AgentInSandbox.CONFIG_YML);
    long pid = agent.mainPid();
    host.sandbox()
        .writeFile(
            AgentInSandbox.ATTRIBUTES + "/30-workers.yml",
            "warehouse:\n  config:\n    workers: 8\n");

    ExecResult run = agent.converge("--why-run");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout()).contains("would_change", "+workers: 8", "why-run: result: changed");
    assertThat(host.sandbox().readFile(AgentInSandbox.CONFIG_YML)).isEqualTo(before);
    assertThat(agent.mainPid()).isEqualTo(pid);
    host.sandbox()
        .exec(List.of("rm", AgentInSandbox.ATTRIBUTES + "/30-workers.yml"))
        .requireSuccess();
  }

  @Test
  @Order(5)
  void theHostIsUntouched() throws Exception {
    assertThat(Path.of("/opt/warehouse")).doesNotExist();
    assertThat(Path.of("/etc/apt/sources.list.d/warehouse-agent.list")).doesNotExist();
    assertThat(Path.of("/var/lib/warehouse-agent")).doesNotExist();
  }
}
