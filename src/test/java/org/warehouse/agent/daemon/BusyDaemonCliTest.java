package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent converge --now} and {@code agent status} as processes, their output through pipes,
 * against a daemon whose control socket serves all it takes: the CLI reads the busy answer and says
 * so (exit 75), with idle clients held on the socket besides.
 */
class BusyDaemonCliTest {
  @TempDir Path dir;

  private record Result(int exit, String out, String err) {}

  private Result agent(String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add("org.warehouse.agent.cli.Main");
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
  }

  @Test
  void convergeNowAgainstAFullDaemonExits75SayingItIsBusy() throws Exception {
    Path yml = TestSettings.write(dir, "");
    List<SocketChannel> idle = new ArrayList<>();
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    try (HoldingHandler handler = new HoldingHandler(true);
        ControlServer server = ControlServer.start(dir.resolve("run"), handler, timers)) {
      for (int i = 0; i < 8; i++) {
        // idle clients besides: they take no worker
        idle.add(SocketChannel.open(UnixDomainSocketAddress.of(server.path())));
      }
      handler.fill(dir.resolve("run"));

      Result converge = agent("converge", "--now", "--config", yml.toString());
      assertThat(converge.exit()).as(converge.err()).isEqualTo(75);
      assertThat(converge.out()).isEmpty();
      assertThat(converge.err())
          .isEqualTo(
              "agent: the daemon is busy: 4 requests are in progress on its control socket; try"
                  + " again shortly\n");

      Result status = agent("status", "--config", yml.toString());
      assertThat(status.err())
          .contains("agent: cannot ask the daemon: the daemon is busy: 4 requests are in progress");
    } finally {
      for (SocketChannel c : idle) {
        c.close();
      }
      timers.shutdownNow();
    }
  }
}
