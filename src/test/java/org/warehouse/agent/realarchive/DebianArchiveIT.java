package org.warehouse.agent.realarchive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.sandbox.AgentInSandbox;
import org.warehouse.agent.sandbox.ExecResult;
import org.warehouse.agent.sandbox.SandboxHost;
import org.warehouse.agent.sandbox.SandboxSupport;

/**
 * Opt-in, never in CI (it needs Debian's archive): package sets against the real Debian 12 archive
 * the machine's apt sources name, signed by Debian's own keys, with no fixture. The package is
 * python3.11, whose binaries depend on each other at exact versions through a chain of three
 * (python3.11 -> python3.11-minimal, libpython3.11-stdlib -> libpython3.11-minimal), and which
 * bookworm's point release and bookworm-security offer at different versions: a pin to the older
 * one is what apt alone refuses ("held broken packages"). Run with {@code mvn verify
 * -Pdebian-archive -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}; the versions are read from
 * the archive, so the test follows its updates.
 */
@ExtendWith(SandboxSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianArchiveIT {
  private static final String PACKAGE = "python3.11";
  private static final List<String> SET =
      List.of("python3.11", "python3.11-minimal", "libpython3.11-stdlib", "libpython3.11-minimal");
  private static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
  private static final String LIST = "/etc/apt/sources.list.d/warehouse-agent.list";

  private static String agentYml(String version) {
    return """
        repositories:
          - name: bookworm
            uri: http://deb.debian.org/debian/
            suite: bookworm
            components: [main]
            signed_by: %s
            poll_timeout: 30s
          - name: bookworm-security
            uri: http://deb.debian.org/debian-security/
            suite: bookworm-security
            components: [main]
            signed_by: %s
            poll_timeout: 30s
        packages:
          - name: %s
            version: %s
        attributes:
          files: []
        apt:
          update_timeout: 10m
          install_timeout: 10m
        """
        .formatted(KEYRING, KEYRING, PACKAGE, version);
  }

  private static ExecResult converge(SandboxHost host, String version, String... extra) {
    host.sandbox().writeFile(AgentInSandbox.CONFIG, agentYml(version));
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                org.warehouse.agent.sandbox.Fixtures.agentLauncher().toString(),
                "converge",
                "--now",
                "--detailed-exitcodes"));
    argv.addAll(List.of(extra));
    argv.addAll(List.of("--config", AgentInSandbox.CONFIG));
    ExecResult r = host.sandbox().exec(argv, java.util.Map.of(), java.time.Duration.ofMinutes(20));
    System.out.print(r.stdout());
    System.out.print(r.stderr());
    return r;
  }

  /** The versions the two suites offer, oldest first, from apt's own view inside. */
  private static List<String> offered(SandboxHost host) {
    ExecResult r =
        host.sandbox()
            .exec(
                List.of(
                    "apt-cache",
                    "-o",
                    "Dir::Etc::sourcelist=" + LIST,
                    "-o",
                    "Dir::Etc::sourceparts=-",
                    "madison",
                    PACKAGE))
            .requireSuccess();
    List<String> versions = new java.util.ArrayList<>();
    for (String line : r.stdout().split("\n", -1)) {
      String[] f = line.split("\\|", -1);
      if (f.length >= 2 && !versions.contains(f[1].strip())) {
        versions.add(0, f[1].strip());
      }
    }
    return versions;
  }

  private static void assertSetAt(SandboxHost host, String version) {
    for (String name : SET) {
      ExecResult r =
          host.sandbox()
              .exec(
                  List.of(
                      "dpkg-query", "--show", "--showformat=${Version} ${db:Status-Abbrev}", name));
      assertThat(r.stdout().strip()).as(name).isEqualTo(version + " ii");
    }
    ExecResult audit = host.sandbox().exec(List.of("dpkg", "--audit"));
    assertThat(audit.stdout()).isBlank();
  }

  private static String older;
  private static String newer;

  @Test
  @Order(1)
  void aPinToTheOlderSuitesVersionInstallsTheWholeExactVersionChain(SandboxHost host) {
    // The agent's own list, as it writes it, to ask apt which versions the two suites offer.
    host.sandbox()
        .writeFile(
            LIST,
            "deb [signed-by="
                + KEYRING
                + "] http://deb.debian.org/debian/ bookworm main\n"
                + "deb [signed-by="
                + KEYRING
                + "] http://deb.debian.org/debian-security/ bookworm-security main\n");
    host.sandbox()
        .exec(
            List.of(
                "apt-get",
                "-q",
                "-o",
                "Dir::Etc::sourcelist=" + LIST,
                "-o",
                "Dir::Etc::sourceparts=-",
                "-o",
                "APT::Get::List-Cleanup=0",
                "update"),
            java.util.Map.of(),
            java.time.Duration.ofMinutes(10))
        .requireSuccess();
    List<String> versions = offered(host);
    assertThat(versions).as("two suites, two versions").hasSizeGreaterThanOrEqualTo(2);
    older = versions.get(versions.size() - 2);
    newer = versions.get(versions.size() - 1);

    ExecResult run = converge(host, older);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertSetAt(host, older);
  }

  @Test
  @Order(2)
  void unpinnedTheChainUpgradesTogether(SandboxHost host) {
    ExecResult run = converge(host, "latest");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout()).contains("python3.11-minimal " + older + " -> " + newer);
    assertSetAt(host, newer);
  }

  @Test
  @Order(3)
  void movingThePinBackDowngradesTheChain(SandboxHost host) {
    ExecResult run = converge(host, older);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout()).contains("downgraded to the pinned version");
    assertSetAt(host, older);
  }
}
