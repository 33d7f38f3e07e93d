package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.service.Systemctl;
import org.warehouse.agent.service.SystemdBus;

/**
 * The agent reads unit state over systemd's private bus instead of a {@code systemctl show} process
 * per look: against a real systemd, the two agree on every kind of unit the agent can meet.
 */
@ExtendWith(SandboxSupport.class)
class SystemdBusSandboxIT {

  @Test
  void busAnswersWhatSystemctlShowSaysForEveryKindOfUnit(SandboxHost host) throws Exception {
    Sandbox s = host.sandbox();
    s.writeFile(
        "/etc/systemd/system/bus-running.service",
        "[Service]\nExecStart=/bin/sleep 600\n[Install]\nWantedBy=multi-user.target\n");
    s.writeFile(
        "/etc/systemd/system/bus-failed.service",
        "[Service]\nType=oneshot\nExecStart=/bin/false\n[Install]\nWantedBy=multi-user.target\n");
    s.writeFile(
        "/etc/systemd/system/bus-disabled.service",
        "[Service]\nExecStart=/bin/sleep 600\n[Install]\nWantedBy=multi-user.target\n");
    s.writeFile("/etc/systemd/system/bus-static.service", "[Service]\nExecStart=/bin/sleep 600\n");
    s.writeFile("/lib/systemd/system/bus-masked.service", "[Service]\nExecStart=/bin/true\n");
    s.writeFile(
        "/etc/systemd/system/bus-inst@.service",
        "[Service]\nExecStart=/bin/sleep 600\n[Install]\nWantedBy=multi-user.target\n");
    s.checkOutput("systemctl", "daemon-reload");
    s.checkOutput("systemctl", "enable", "--now", "bus-running.service");
    s.checkOutput("systemctl", "enable", "bus-failed.service");
    s.exec(List.of("systemctl", "start", "bus-failed.service"));
    s.checkOutput("systemctl", "mask", "bus-masked.service");
    s.checkOutput("systemctl", "start", "bus-inst@a-b_c.d.service");

    List<String> units =
        List.of(
            "bus-running.service",
            "bus-failed.service",
            "bus-disabled.service",
            "bus-static.service",
            "bus-masked.service",
            "bus-inst@a-b_c.d.service",
            "no-such-unit.service",
            "multi-user.target",
            "systemd-journald.socket");
    // systemd answers its private socket only from its own PID namespace: the probe runs inside.
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                codeSource(SystemdBus.class)
                    + ":"
                    + codeSource(BusProbe.class)
                    + ":"
                    + codeSource(org.apache.commons.exec.CommandLine.class),
                BusProbe.class.getName()));
    argv.addAll(units);
    ExecResult probe = s.exec(argv, Map.of(), Duration.ofMinutes(1)).requireSuccess();
    Map<String, Map<String, String>> byUnit = new LinkedHashMap<>();
    for (String line : probe.stdout().lines().toList()) {
      String[] f = line.split("\t", -1);
      if (f.length == 3) {
        byUnit.computeIfAbsent(f[0], u -> new LinkedHashMap<>()).put(f[1], f[2]);
      }
    }
    assertThat(byUnit.keySet()).containsExactlyElementsOf(units);
    for (Map.Entry<String, Map<String, String>> e : byUnit.entrySet()) {
      String expected = e.getValue().get("process");
      assertThat(e.getValue())
          .as(e.getKey())
          .containsEntry("bus", expected)
          .containsEntry("systemctl-with-bus", expected);
    }
    // The bus-backed Systemctl started no process for any of those looks.
    assertThat(probe.stdout()).contains("spawned\t0\n");
    // The comparison covers what the agent decides on, not one state nine times.
    String all = byUnit.values().stream().map(m -> m.get("process")).toList().toString();
    assertThat(all)
        .contains("activeState=active", "activeState=failed", "activeState=inactive")
        .contains("unitFileState=enabled", "unitFileState=disabled", "unitFileState=static")
        .contains("unitFileState=masked", "unitFileState=,", "loadState=not-found")
        .contains("loadState=masked");
    assertThat(byUnit.get("bus-running.service").get("process")).doesNotContain("mainPid=0]");
    assertThat(byUnit.get("multi-user.target").get("process")).contains("mainPid=0]");
  }

  @Test
  void aBusThatCannotBeUsedFallsBackToSystemctl(SandboxHost host) throws Exception {
    Sandbox s = host.sandbox();
    // From outside its PID namespace systemd hangs up on its private socket; journald hangs up on
    // what is not its stream protocol: either way, systemctl answers instead.
    SystemdBus hangsUp =
        new SystemdBus(s.hostPath(SystemdBus.PRIVATE_SOCKET.toString()), Duration.ofSeconds(2));
    assertThatThrownBy(() -> hangsUp.show("multi-user.target")).isInstanceOf(IOException.class);
    SystemdBus wrong =
        new SystemdBus(s.hostPath("/run/systemd/journal/stdout"), Duration.ofSeconds(2));
    assertThat(wrong.present()).isTrue();
    assertThatThrownBy(() -> wrong.show("multi-user.target")).isInstanceOf(IOException.class);
    List<List<String>> spawned = new ArrayList<>();
    CommandRunner counting =
        c -> {
          spawned.add(c.argv());
          return inside(s).run(c);
        };
    Systemctl systemctl = new Systemctl(counting, Duration.ofSeconds(30), Optional.of(wrong));
    assertThat(systemctl.show("multi-user.target").active()).isTrue();
    assertThat(spawned).singleElement().satisfies(argv -> assertThat(argv).contains("show"));
  }

  // Where a class was loaded from: target/classes, target/test-classes, a jar in ~/.m2 (all on
  // the root file system, which the sandbox sees).
  private static String codeSource(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** Runs each command inside the sandbox, as the agent does on its host. */
  static CommandRunner inside(Sandbox s) {
    return c -> {
      ExecResult r = s.exec(c.argv(), c.env(), c.timeout());
      return new CommandResult(c, r.exitCode(), r.stdout(), r.stderr(), false, r.elapsed());
    };
  }
}
