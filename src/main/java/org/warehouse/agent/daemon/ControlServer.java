package org.warehouse.agent.daemon;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.warehouse.agent.converge.RunListener;

/**
 * The daemon's end of the control socket: a Unix domain socket at run_dir/control.sock, mode 0600
 * in a 0700 directory, so only root reaches it. One request per connection, a few connections at
 * once; see {@link ControlMessage} for the protocol.
 */
final class ControlServer implements AutoCloseable {
  static final String SOCKET = "control.sock";
  private static final Logger LOG = Logger.getLogger("daemon");
  private static final int MAX_CONNECTIONS = 8;
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  // Internal to this class, never written to a client.
  private static final ControlMessage END =
      new ControlMessage("end", null, null, null, null, null, null, null, null, null);

  /** What the socket serves. */
  interface Handler {
    CompletableFuture<RunOutcome> converge(boolean whyRun, RunListener listener);

    boolean busy();

    DaemonStatus status();
  }

  private final Path path;
  private final ServerSocketChannel server;
  private final Handler handler;
  private final ThreadPoolExecutor connections;
  private final ScheduledExecutorService timers;
  private final Thread acceptor;
  private volatile boolean closed;

  private ControlServer(
      Path path, ServerSocketChannel server, Handler handler, ScheduledExecutorService timers) {
    this.path = path;
    this.server = server;
    this.handler = handler;
    this.timers = timers;
    this.connections =
        new ThreadPoolExecutor(
            0,
            MAX_CONNECTIONS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            RunCoordinator.daemonThreads("control connection"));
    this.acceptor = new Thread(this::acceptLoop, "control socket");
    acceptor.setDaemon(true);
  }

  /**
   * Binds run_dir/control.sock and starts serving.
   *
   * @throws IOException when another daemon answers on the socket, or it cannot be bound
   */
  static ControlServer start(Path runDir, Handler handler, ScheduledExecutorService timers)
      throws IOException {
    if (!Files.isDirectory(runDir)) {
      Files.createDirectories(
          runDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path path = runDir.resolve(SOCKET);
    if (Files.exists(path)) {
      if (answers(path)) {
        throw new IOException("another agent daemon is running (it answers on " + path + ")");
      }
      // Left by a daemon that did not stop cleanly; nobody listens on it.
      Files.delete(path);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      server.close();
      throw e;
    }
    ControlServer s = new ControlServer(path, server, handler, timers);
    s.acceptor.start();
    return s;
  }

  Path path() {
    return path;
  }

  private static boolean answers(Path path) {
    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      return c.isConnected();
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel c;
      try {
        c = server.accept();
      } catch (AsynchronousCloseException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "control socket accept failed", e);
        }
        return;
      }
      try {
        connections.execute(() -> serve(c));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        try (LineChannel lines = new LineChannel(c, ControlMessage.MAX_LINE)) {
          lines.write(
              ControlMessage.error(RunOutcome.FAILED, "daemon busy: too many connections")
                  .toLine());
        } catch (IOException ignored) {
          // the client gave up first
        }
      }
    }
  }

  private void serve(SocketChannel c) {
    ScheduledFuture<?> deadline =
        timers.schedule(() -> closeQuietly(c), REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    try (LineChannel lines = new LineChannel(c, ControlMessage.MAX_LINE)) {
      String line = lines.readLine();
      deadline.cancel(false);
      if (line == null) {
        return;
      }
      ControlMessage request;
      try {
        request = ControlMessage.parse(line);
      } catch (IOException e) {
        lines.write(
            ControlMessage.error(RunOutcome.FAILED, "bad request: " + e.getMessage()).toLine());
        return;
      }
      switch (request.type()) {
        case "status" -> lines.write(ControlMessage.status(handler.status()).toLine());
        case "converge" -> converge(lines, Boolean.TRUE.equals(request.whyRun()), peer(c));
        default ->
            lines.write(
                ControlMessage.error(RunOutcome.FAILED, "unknown request " + request.type())
                    .toLine());
      }
    } catch (IOException e) {
      LOG.fine(() -> "control connection ended: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deadline.cancel(false);
    }
  }

  private void converge(LineChannel lines, boolean whyRun, String peer)
      throws IOException, InterruptedException {
    LOG.info(
        () -> (whyRun ? "why-run " : "") + "converge requested over the control socket by " + peer);
    BlockingQueue<ControlMessage> events = new LinkedBlockingQueue<>(10_000);
    boolean busy = handler.busy();
    CompletableFuture<RunOutcome> outcome = handler.converge(whyRun, new StreamingListener(events));
    if (busy) {
      lines.write(
          ControlMessage.queued("a converge is in progress; this request runs right after it")
              .toLine());
    }
    // The run's own thread never writes here: a client that stops reading cannot stall it. The
    // end of the run wakes this loop at once (a marker after the last event); the timed poll is
    // only the fallback should the bounded queue have been full.
    CompletableFuture<?> unused = outcome.whenComplete((o, e) -> events.offer(END));
    while (true) {
      ControlMessage m = events.poll(200, TimeUnit.MILLISECONDS);
      boolean end = m != null && "end".equals(m.type());
      if (m != null && !end) {
        lines.write(m.toLine());
      } else if (outcome.isDone() && (end || events.isEmpty())) {
        break;
      }
    }
    RunOutcome o;
    try {
      o = outcome.get();
    } catch (ExecutionException e) {
      o = RunOutcome.error(RunOutcome.FAILED, "internal error: " + e.getCause());
    }
    lines.write(
        (o.error().isEmpty()
                ? ControlMessage.result(o.report())
                : ControlMessage.error(o.error(), o.message()))
            .toLine());
  }

  private static String peer(SocketChannel c) {
    try {
      UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
      return "user " + p.user().getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "a local client";
    }
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing a connection that timed out; nothing to report
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    Files.deleteIfExists(path);
    // A client waiting for a run's result gets it: the run ended before the socket closes.
    connections.shutdown();
    try {
      if (!connections.awaitTermination(2, TimeUnit.SECONDS)) {
        connections.shutdownNow();
      }
    } catch (InterruptedException e) {
      connections.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  static boolean isAbsent(IOException e) {
    return e instanceof ConnectException
        || (e instanceof SocketException
            && String.valueOf(e.getMessage()).contains("No such file"));
  }
}
