package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;

/**
 * The control socket over a real Unix socket with clients that misbehave: idle and half-sent
 * requests hold no worker, a full daemon answers {@code busy} in a line the client reads.
 */
class ControlSocketBadClientsTest {
  @TempDir Path dir;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService runs = Executors.newCachedThreadPool();
  private final List<SocketChannel> held = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger converging = new AtomicInteger();
  private volatile boolean hold;
  private final RunReport report =
      new RunReport(
          "run-1",
          "manual",
          false,
          Instant.parse("2026-11-27T10:00:00Z"),
          Instant.parse("2026-11-27T10:00:01Z"),
          1000,
          "unchanged",
          List.of(),
          List.of(),
          "");

  /** Converges at once, or (hold) when the test releases them. */
  final ControlServer.Handler handler =
      new ControlServer.Handler() {
        @Override
        public CompletableFuture<RunOutcome> converge(boolean whyRun, RunListener l) {
          converging.incrementAndGet();
          if (!hold) {
            return CompletableFuture.completedFuture(RunOutcome.of(report));
          }
          return CompletableFuture.supplyAsync(
              () -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return RunOutcome.of(report);
              },
              runs);
        }

        @Override
        public boolean busy() {
          return false;
        }

        @Override
        public DaemonStatus status() {
          return new DaemonStatus(
              "1.0", 42, Instant.EPOCH, "/etc/agent.yml", Instant.EPOCH, null, null, "");
        }
      };

  @AfterEach
  void cleanUp() throws IOException {
    release.countDown();
    for (SocketChannel c : held) {
      c.close();
    }
    timers.shutdownNow();
    runs.shutdownNow();
  }

  private SocketChannel connect(String send) throws IOException {
    SocketChannel c =
        SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("run/control.sock")));
    held.add(c);
    c.write(ByteBuffer.wrap(send.getBytes(StandardCharsets.UTF_8)));
    return c;
  }

  private RunOutcome converge() throws Exception {
    try (ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.converge(false, RunListener.NONE, n -> {});
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              },
              runs)
          .get(5, TimeUnit.SECONDS);
    }
  }

  /** Fills every worker with a converge that waits for {@link #release}. */
  static List<CompletableFuture<RunOutcome>> fill(
      Path runDir, AtomicInteger converging, ExecutorService pool) throws Exception {
    List<CompletableFuture<RunOutcome>> waiting = new ArrayList<>();
    for (int i = 0; i < ControlServer.MAX_WORKERS; i++) {
      ControlClient client = ControlClient.connect(runDir).orElseThrow();
      waiting.add(
          CompletableFuture.supplyAsync(
              () -> {
                try (client) {
                  return client.converge(false, RunListener.NONE, n -> {});
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              },
              pool));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (converging.get() < ControlServer.MAX_WORKERS && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(converging.get()).isEqualTo(ControlServer.MAX_WORKERS);
    return waiting;
  }

  @Test
  void convergeAndStatusAreAnsweredWhileIdleAndSlowClientsAreHeld() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers)) {
      for (int i = 0; i < 20; i++) {
        connect(""); // connects and says nothing
        connect("{\"type\":\"conv"); // half a request
      }
      for (int i = 0; i < 3; i++) {
        RunOutcome o = converge();
        assertThat(o.error()).isEmpty();
        assertThat(o.report()).isEqualTo(report);
      }
      try (ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
        assertThat(client.status().pid()).isEqualTo(42);
      }
    }
  }

  @Test
  void aFloodPastThePendingLimitClosesTheOldestAndAConvergeIsAnswered() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers)) {
      for (int i = 0; i < PendingRequests.MAX_PENDING + 10; i++) {
        connect("{");
      }
      assertThat(converge().report()).isEqualTo(report);
      ByteBuffer b = ByteBuffer.allocate(16);
      assertThat(held.get(0).read(b)).isEqualTo(-1);
    }
  }

  @Test
  void aFullDaemonAnswersBusyInALineTheClientReads() throws Exception {
    hold = true;
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers)) {
      List<CompletableFuture<RunOutcome>> waiting = fill(dir.resolve("run"), converging, runs);

      RunOutcome busy = converge();
      assertThat(busy.error()).isEqualTo(RunOutcome.BUSY);
      assertThat(busy.message())
          .isEqualTo(
              "the daemon is busy: 4 requests are in progress on its control socket; try again"
                  + " shortly");
      try (ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
        assertThatThrownBy(client::status).hasMessageStartingWith("the daemon is busy: ");
      }

      release.countDown();
      for (CompletableFuture<RunOutcome> w : waiting) {
        assertThat(w.get(5, TimeUnit.SECONDS).report()).isEqualTo(report);
      }
      // The workers are free again.
      assertThat(converge().report()).isEqualTo(report);
    }
  }

  @Test
  void aClientThatSendsNoWholeRequestIsClosedAtTheTimeout() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers, 300)) {
      for (SocketChannel c : List.of(connect(""), connect("{\"type\":"))) {
        long start = System.nanoTime();
        assertThat(c.read(ByteBuffer.allocate(16))).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
      }
    }
  }

  @Test
  void aRequestLongerThanTheLimitIsAnsweredBadRequest() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers)) {
      SocketChannel c = connect("x".repeat(PendingRequests.MAX_REQUEST + 10));
      LineChannel lines = new LineChannel(c, ControlMessage.MAX_LINE);
      ControlMessage m = ControlMessage.parse(lines.readLine());
      assertThat(m.type()).isEqualTo("error");
      assertThat(m.message()).startsWith("bad request: ");
    }
  }
}
