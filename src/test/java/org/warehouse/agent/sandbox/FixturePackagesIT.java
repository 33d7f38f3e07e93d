package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture packages behave as test-fixtures/README.md says, under real apt and systemd. */
@ExtendWith(SandboxSupport.class)
class FixturePackagesIT {
  private static final Map<String, String> NONINTERACTIVE =
      Map.of("DEBIAN_FRONTEND", "noninteractive");

  @Test
  void unhealthyRunsButAnswers500(SandboxHost host) {
    install(host, PackageBuilder.warehouse("20.01.01").kind(PackageKind.UNHEALTHY));
    host.sandbox().checkOutput("systemctl", "restart", "warehouse-web");

    Await.until(
        "warehouse-web answers",
        Duration.ofSeconds(15),
        () -> host.sandbox().httpGet(host.healthUrl()).status() != 0);
    HttpResponse health = host.sandbox().httpGet(host.healthUrl());
    assertThat(health.status()).isEqualTo(500);
    assertThat(health.body()).contains("unhealthy").contains("20.01.01");
    assertThat(host.sandbox().exec(List.of("systemctl", "is-active", "warehouse-web")).stdout())
        .isEqualTo("active\n");
  }

  @Test
  void slowIsActiveButRefusesConnectionsAtFirst(SandboxHost host) {
    install(host, PackageBuilder.warehouse("20.01.02").kind(PackageKind.SLOW).seconds(4));
    host.sandbox().checkOutput("systemctl", "restart", "warehouse-web");

    assertThat(host.sandbox().exec(List.of("systemctl", "is-active", "warehouse-web")).stdout())
        .isEqualTo("active\n");
    assertThat(host.sandbox().httpGet(host.healthUrl()).status()).isZero();
    Await.until(
        "slow warehouse-web healthy",
        Duration.ofSeconds(20),
        () -> host.sandbox().httpGet(host.healthUrl()).status() == 200);
  }

  @Test
  void dpkgKilledDuringSlowPostinstLeavesThePackageHalfConfigured(SandboxHost host)
      throws Exception {
    Path deb =
        PackageBuilder.warehouse("20.01.03")
            .kind(PackageKind.SLOW_POSTINST)
            .seconds(300)
            .buildInto(host.debsDir());
    host.publish(deb);
    host.configureApt();
    apt(host, "update").requireSuccess();
    Path marker = host.sandbox().hostPath("/run/warehouse-fixture/postinst.pid");
    Files.deleteIfExists(marker);

    try (SandboxProcess install =
        host.sandbox()
            .startBackground(
                List.of("apt-get", "-q", "install", "-y", "warehouse"), NONINTERACTIVE)) {
      // The shell creates the file before it writes the line: wait for the whole line.
      Await.until("postinst running", Duration.ofSeconds(60), () -> wholeLine(marker));
      String dpkgPid = Files.readString(marker).strip().split(" ", -1)[1];
      host.sandbox().checkOutput("kill", "-KILL", dpkgPid);
      ExecResult apt = install.waitFor(Duration.ofSeconds(30));
      assertThat(apt.exitCode()).as("%s", apt).isEqualTo(100);
      assertThat(apt.stderr()).contains("Sub-process /usr/bin/dpkg exited unexpectedly");

      // "iF": wanted install, half-configured; dpkg --audit names it. dpkg --configure -a would
      // run the postinst again.
      assertThat(
              host.sandbox()
                  .checkOutput("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", "warehouse")
                  .strip())
          .isEqualTo("iF");
      assertThat(host.sandbox().exec(List.of("dpkg", "--audit")).stdout()).contains("warehouse");
    } finally {
      // The postinst (a shell and its sleep) outlives dpkg, and the half-configured package
      // would make every later apt-get run it again: the other tests get a fresh sandbox.
      host.rebootSandbox();
    }
  }

  @Test
  void unrelatedPackagesInstallAndMissingDependenciesDoNot(SandboxHost host) {
    Path tools = PackageBuilder.unrelated("fixture-tools", "1.0").buildInto(host.debsDir());
    Path broken =
        PackageBuilder.unrelated("fixture-broken", "1.0")
            .depends("fixture-missing (>= 1)")
            .buildInto(host.debsDir());
    host.publish(tools, broken);
    host.configureApt();
    apt(host, "update").requireSuccess();

    apt(host, "install", "-y", "fixture-tools").requireSuccess();
    assertThat(host.sandbox().readFile("/usr/share/fixture-tools/VERSION")).isEqualTo("1.0\n");
    ExecResult install = apt(host, "install", "-y", "fixture-broken");
    assertThat(install.exitCode()).as("%s", install).isEqualTo(100);
    assertThat(install.stdout() + install.stderr()).contains("fixture-missing");
  }

  private static void install(SandboxHost host, PackageBuilder builder) {
    host.publish(builder.buildInto(host.debsDir()));
    host.configureApt();
    apt(host, "update").requireSuccess();
    apt(host, "install", "-y", "--allow-downgrades", "warehouse").requireSuccess();
  }

  private static ExecResult apt(SandboxHost host, String... args) {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q"));
    argv.addAll(List.of(args));
    return host.sandbox().exec(argv, NONINTERACTIVE, Duration.ofMinutes(2));
  }

  private static boolean wholeLine(Path file) {
    try {
      return Files.readString(file).endsWith("\n");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
