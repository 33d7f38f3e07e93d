package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.exec.FakeCommandRunner;

/** The postinst's restart request: honoured only when no converge runs, once; readiness argv. */
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
