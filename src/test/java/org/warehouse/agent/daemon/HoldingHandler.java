package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;

/** A control socket handler whose converges end at once, or (held) when the test releases them. */
final class HoldingHandler implements ControlServer.Handler, AutoCloseable {
  static final RunReport REPORT =
      new RunReport(
          "run-1",
          Trigger.MANUAL,
          false,
          Instant.parse("2026-11-27T10:00:00Z"),
          Instant.parse("2026-11-27T10:00:01Z"),
          1000,
          RunResult.UNCHANGED,
          List.of(),
          List.of(),
          "");

  final ExecutorService pool = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger converging = new AtomicInteger();
  private final boolean held;

  HoldingHandler(boolean held) {
    this.held = held;
  }

  @Override
  public CompletableFuture<RunOutcome> converge(boolean whyRun, RunListener l) {
    converging.incrementAndGet();
    if (!held) {
      return CompletableFuture.completedFuture(RunOutcome.of(REPORT));
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return RunOutcome.of(REPORT);
        },
        pool);
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

  /** Lets the held converges end. */
  void release() {
    release.countDown();
  }

  /** Takes every worker of the daemon at runDir with a converge that waits for release(). */
  List<CompletableFuture<RunOutcome>> fill(Path runDir) throws Exception {
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

  @Override
  public void close() {
    release();
    pool.shutdownNow();
  }
}
