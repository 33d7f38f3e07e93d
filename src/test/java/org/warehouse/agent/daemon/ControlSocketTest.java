package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.ResourceId;

class ControlSocketTest {
  @TempDir Path dir;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final RunReport report =
      new RunReport(
          "run-1",
          Trigger.MANUAL,
          false,
          Instant.parse("2026-11-27T10:00:00Z"),
          Instant.parse("2026-11-27T10:00:01Z"),
          1000,
          RunResult.CHANGED,
          List.of(
              new ResourceReport(
                  ResourceId.parse("package:warehouse"),
                  ResourceStatus.CHANGED,
                  "1",
                  "2",
                  "upgraded",
                  "",
                  9)),
          List.of(
              new ResourceReport(
                  ResourceId.parse("service:web"),
                  ResourceStatus.CHANGED,
                  "pid 1",
                  "pid 2",
                  "",
                  "",
                  3)),
          "");
  private volatile boolean busy;
  private volatile RunOutcome outcome = RunOutcome.of(report);

  @AfterEach
  void stopTimers() {
    timers.shutdownNow();
  }

  private final ControlServer.Handler handler =
      new ControlServer.Handler() {
        @Override
        public CompletableFuture<RunOutcome> converge(boolean whyRun, RunListener l) {
          return CompletableFuture.supplyAsync(
              () -> {
                l.runStarted("run-1", Trigger.MANUAL, whyRun);
                l.resourceFinished(report.resources().get(0), false);
                l.resourceFinished(report.notifications().get(0), true);
                l.runFinished(report);
                return outcome;
              });
        }

        @Override
        public boolean busy() {
          return busy;
        }

        @Override
        public DaemonStatus status() {
          return new DaemonStatus(
              "1.0",
              42,
              Instant.EPOCH,
              "/etc/agent.yml",
              Instant.EPOCH,
              Instant.parse("2026-11-27T10:30:00Z"),
              null,
              "");
        }
      };

  @Test
  void aConvergeStreamsItsEventsInOrderThenTheReport() throws Exception {
    busy = true;
    List<String> events = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers);
        ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run"))))
          .isEqualTo("rwx------");

      RunOutcome o =
          client.converge(
              false,
              new RunListener() {
                @Override
                public void runStarted(String runId, Trigger trigger, boolean whyRun) {
                  events.add("started " + runId + " " + trigger.label());
                }

                @Override
                public void resourceFinished(ResourceReport r, boolean notification) {
                  events.add((notification ? "notify " : "") + r.id() + " " + r.status());
                }

                @Override
                public void runFinished(RunReport r) {
                  events.add("finished " + r.result());
                }
              },
              notices::add);

      assertThat(o.report()).isEqualTo(report);
      assertThat(o.error()).isEmpty();
      assertThat(events)
          .containsExactly(
              "started run-1 manual",
              "package:warehouse changed",
              "notify service:web changed",
              "finished changed");
      assertThat(notices)
          .containsExactly("a converge is in progress; this request runs right after it");
    }
    assertThat(dir.resolve("run/control.sock")).doesNotExist();
  }

  @Test
  void errorsArriveAsTheirKind() throws Exception {
    outcome = RunOutcome.error(RunError.LOCK_BUSY, "another converge holds the run lock");
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers);
        ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
      RunOutcome o = client.converge(true, RunListener.NONE, n -> {});
      assertThat(o.error()).isEqualTo(Optional.of(RunError.LOCK_BUSY));
      assertThat(o.message()).isEqualTo("another converge holds the run lock");
      assertThat(o.report()).isNull();
    }
  }

  @Test
  void statusTellsTheNextRun() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers);
        ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
      // One request per connection.
      DaemonStatus status = client.status();
      assertThat(status.nextRun()).isEqualTo(Instant.parse("2026-11-27T10:30:00Z"));
      assertThat(status.pid()).isEqualTo(42);
    }
  }

  @Test
  void noSocketOrNobodyListeningMeansNoDaemon() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    assertThat(ControlClient.connect(run)).isEmpty();
    // A socket file left by a daemon that was killed: connection refused.
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(run.resolve("control.sock")));
    }
    assertThat(run.resolve("control.sock")).exists();
    assertThat(ControlClient.connect(run)).isEmpty();
    // A new daemon replaces the stale socket.
    try (ControlServer server = ControlServer.start(run, handler, timers)) {
      assertThat(ControlClient.connect(run)).isPresent();
    }
  }

  @Test
  void aSecondDaemonOnTheSameRunDirRefusesToStart() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers)) {
      assertThatThrownBy(() -> ControlServer.start(dir.resolve("run"), handler, timers))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another agent daemon is running");
      assertThat(ControlClient.connect(dir.resolve("run"))).isPresent();
    }
  }
}
