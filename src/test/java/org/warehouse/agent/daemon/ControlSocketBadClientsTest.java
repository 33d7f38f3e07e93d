package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.converge.RunListener;

/**
 * The control socket over a real Unix socket with clients that misbehave: idle and half-sent
 * requests hold no worker, a full daemon answers {@code busy} in a line the client reads.
 */
class ControlSocketBadClientsTest {
  @TempDir Path dir;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final List<SocketChannel> held = new ArrayList<>();
  private final HoldingHandler quick = new HoldingHandler(false);
  private final HoldingHandler slow = new HoldingHandler(true);

  @AfterEach
  void cleanUp() throws IOException {
    for (SocketChannel c : held) {
      c.close();
    }
    timers.shutdownNow();
    quick.close();
    slow.close();
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
              quick.pool)
          .get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void convergeAndStatusAreAnsweredWhileIdleAndSlowClientsAreHeld() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), quick, timers)) {
      for (int i = 0; i < 20; i++) {
        connect(""); // connects and says nothing
        connect("{\"type\":\"conv"); // half a request
      }
      for (int i = 0; i < 3; i++) {
        RunOutcome o = converge();
        assertThat(o.error()).isEmpty();
        assertThat(o.report()).isEqualTo(HoldingHandler.REPORT);
      }
      try (ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
        assertThat(client.status().pid()).isEqualTo(42);
      }
    }
  }

  @Test
  void aFloodPastThePendingLimitClosesTheOldestAndAConvergeIsAnswered() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), quick, timers)) {
      for (int i = 0; i < PendingRequests.MAX_PENDING + 10; i++) {
        connect("{");
      }
      assertThat(converge().report()).isEqualTo(HoldingHandler.REPORT);
      ByteBuffer b = ByteBuffer.allocate(16);
      assertThat(held.get(0).read(b)).isEqualTo(-1);
    }
  }

  @Test
  void aFullDaemonAnswersBusyInALineTheClientReads() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), slow, timers)) {
      List<CompletableFuture<RunOutcome>> waiting = slow.fill(dir.resolve("run"));

      RunOutcome busy = converge();
      assertThat(busy.error()).isEqualTo(Optional.of(RunError.BUSY));
      assertThat(busy.message())
          .isEqualTo(
              "the daemon is busy: 4 requests are in progress on its control socket; try again"
                  + " shortly");
      try (ControlClient client = ControlClient.connect(dir.resolve("run")).orElseThrow()) {
        assertThatThrownBy(client::status).hasMessageStartingWith("the daemon is busy: ");
      }

      slow.release();
      for (CompletableFuture<RunOutcome> w : waiting) {
        assertThat(w.get(5, TimeUnit.SECONDS).report()).isEqualTo(HoldingHandler.REPORT);
      }
      // The workers are free again.
      assertThat(converge().report()).isEqualTo(HoldingHandler.REPORT);
    }
  }

  @Test
  void aClientThatSendsNoWholeRequestIsClosedAtTheTimeout() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), quick, timers, 300)) {
      for (SocketChannel c : List.of(connect(""), connect("{\"type\":"))) {
        long start = System.nanoTime();
        assertThat(c.read(ByteBuffer.allocate(16))).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
      }
    }
  }

  @Test
  void aRequestLongerThanTheLimitIsAnsweredBadRequest() throws Exception {
    try (ControlServer server = ControlServer.start(dir.resolve("run"), quick, timers)) {
      SocketChannel c = connect("x".repeat(PendingRequests.MAX_REQUEST + 10));
      LineChannel lines = new LineChannel(c, ControlMessage.MAX_LINE);
      ControlMessage m = ControlMessage.parse(lines.readLine());
      assertThat(m.type()).isEqualTo("error");
      assertThat(m.message()).startsWith("bad request: ");
    }
  }
}
