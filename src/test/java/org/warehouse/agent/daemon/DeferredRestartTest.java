package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.exec.FakeCommandRunner;
import org.warehouse.agent.service.Systemctl;

/**
 * The postinst's restart request: honoured only when no converge runs, once, through {@code
 * systemctl restart --no-block}; readiness argv.
 */
class DeferredRestartTest {
  @Test
  void waitsForTheRunInProgressThenRestartsOnce(@TempDir Path dir) throws Exception {
    Path request = dir.resolve(DeferredRestart.FILE);
    AtomicBoolean busy = new AtomicBoolean(true);
    AtomicInteger restarts = new AtomicInteger();
    DeferredRestart r = new DeferredRestart(request, busy::get, restarts::incrementAndGet);

    r.run();
    assertThat(restarts).hasValue(0);
    Files.writeString(request, "upgrade to 26.11.02\n");
    r.run();
    r.run();
    assertThat(restarts).as("not during a converge").hasValue(0);
    assertThat(request).exists();

    busy.set(false);
    r.run();
    assertThat(restarts).hasValue(1);
    assertThat(request).doesNotExist();
    Files.writeString(request, "again");
    r.run();
    assertThat(restarts).as("one restart per daemon").hasValue(1);
  }

  @Test
  void aRequestOlderThanTheDaemonIsDroppedANewerOneKept(@TempDir Path dir) throws Exception {
    Path request = dir.resolve(DeferredRestart.FILE);
    AtomicInteger restarts = new AtomicInteger();
    DeferredRestart r = new DeferredRestart(request, () -> false, restarts::incrementAndGet);
    Instant started = Instant.now();
    Files.writeString(request, "old");
    Files.setLastModifiedTime(request, FileTime.from(started.minusSeconds(60)));

    r.clearStale(started);

    assertThat(request).doesNotExist();
    Files.writeString(request, "during start");
    Files.setLastModifiedTime(request, FileTime.from(started.plusMillis(300)));
    r.clearStale(started);
    assertThat(request).exists();
    r.run();
    assertThat(restarts).hasValue(1);
  }

  @Test
  void ownUnitComesFromTheCgroup(@TempDir Path dir) throws Exception {
    Path cgroup = dir.resolve("cgroup");
    Files.writeString(cgroup, "0::/system.slice/warehouse-agent.service\n");
    assertThat(DeferredRestart.ownUnit(cgroup)).contains("warehouse-agent.service");
    Files.writeString(cgroup, "0::/user.slice/user-0.slice/session-1.scope\n");
    assertThat(DeferredRestart.ownUnit(cgroup)).isEmpty();
  }

  @Test
  void theDaemonsOwnRestartIsQueuedThroughSystemctlWithoutBlocking(@TempDir Path dir)
      throws Exception {
    Path cgroup = dir.resolve("cgroup");
    Files.writeString(cgroup, "0::/system.slice/warehouse-agent.service\n");
    Path runtime = Files.createDirectory(dir.resolve("run"));
    FakeCommandRunner runner = new FakeCommandRunner().on(List.of("systemctl"), 0, "", "");
    Systemctl systemctl = new Systemctl(runner, Duration.ofSeconds(30));
    Instant started = Instant.now().minusSeconds(5);

    assertThat(DeferredRestart.underSystemd(Map.of(), cgroup, started, () -> false, systemctl))
        .as("no runtime directory: not under systemd")
        .isEmpty();
    Path scope = dir.resolve("scope");
    Files.writeString(scope, "0::/user.slice/user-0.slice/session-1.scope\n");
    Map<String, String> env = Map.of("RUNTIME_DIRECTORY", runtime + ":/run/other");
    assertThat(DeferredRestart.underSystemd(env, scope, started, () -> false, systemctl))
        .as("not a service")
        .isEmpty();

    DeferredRestart r =
        DeferredRestart.underSystemd(env, cgroup, started, () -> false, systemctl).orElseThrow();
    r.run();
    assertThat(runner.commands()).isEmpty();
    Files.writeString(runtime.resolve(DeferredRestart.FILE), "upgrade to 26.11.02\n");
    r.run();

    assertThat(runner.argvs())
        .containsExactly(
            List.of(
                "systemctl",
                "--no-pager",
                "--quiet",
                "restart",
                "--no-block",
                "--",
                "warehouse-agent.service"));
    assertThat(runner.commands().get(0).timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(runtime.resolve(DeferredRestart.FILE)).doesNotExist();
  }

  @Test
  void readinessRunsSystemdNotifyOnlyUnderSystemd() {
    FakeCommandRunner runner = new FakeCommandRunner().on(List.of("systemd-notify"), 0, "", "");
    new SystemdNotifier(runner, Map.of()).ready("x");
    assertThat(runner.commands()).isEmpty();

    new SystemdNotifier(runner, Map.of("NOTIFY_SOCKET", "/run/systemd/notify"))
        .ready("converging every 1800s");

    assertThat(runner.argvs())
        .containsExactly(List.of("systemd-notify", "--ready", "--status=converging every 1800s"));
    assertThat(runner.commands().get(0).env())
        .containsEntry("NOTIFY_SOCKET", "/run/systemd/notify");
  }
}
