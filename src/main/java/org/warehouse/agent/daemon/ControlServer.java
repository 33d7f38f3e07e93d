package org.warehouse.agent.daemon;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.warehouse.agent.converge.RunListener;

/**
 * The daemon's end of the control socket: a Unix domain socket at run_dir/control.sock, mode 0600
 * in a 0700 directory, so only root reaches it. One request per connection; requests are read
 * without blocking ({@link PendingRequests}), then served by at most {@link #MAX_WORKERS} threads
 * made on demand; a request past those is answered {@code busy}. See {@link ControlMessage} for the
 * protocol.
 */
final class ControlServer implements AutoCloseable {
  static final String SOCKET = "control.sock";
  private static final Logger LOG = Logger.getLogger("daemon");
  // Requests served at once (a converge's client holds one for the run); past that, "busy".
  static final int MAX_WORKERS = 4;
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long WRITE_TIMEOUT_MS = 30_000;
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
  private final ExecutorService workers;
  private final Semaphore slots = new Semaphore(MAX_WORKERS);
  private final ScheduledExecutorService timers;
  private final PendingRequests pending;
  private final Thread acceptor;

  private ControlServer(
      Path path,
      ServerSocketChannel server,
      Handler handler,
      ScheduledExecutorService timers,
      long requestTimeoutMs)
      throws IOException {
    this.path = path;
    this.server = server;
    this.handler = handler;
    this.timers = timers;
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            MAX_WORKERS,
            MAX_WORKERS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            RunCoordinator.daemonThreads("control connection"));
    pool.allowCoreThreadTimeOut(true); // an idle daemon keeps none of them
    this.workers = pool;
    this.pending = new PendingRequests(server, requestTimeoutMs, this::dispatch);
    this.acceptor = new Thread(pending, "control socket");
    acceptor.setDaemon(true);
  }

  /**
   * Binds run_dir/control.sock and starts serving.
   *
   * @throws IOException when another daemon answers on the socket, or it cannot be bound
   */
  static ControlServer start(Path runDir, Handler handler, ScheduledExecutorService timers)
      throws IOException {
    return start(runDir, handler, timers, REQUEST_TIMEOUT_MS);
  }

  static ControlServer start(
      Path runDir, Handler handler, ScheduledExecutorService timers, long requestTimeoutMs)
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
    ControlServer s;
    try {
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      s = new ControlServer(path, server, handler, timers, requestTimeoutMs);
    } catch (IOException e) {
      server.close();
      throw e;
    }
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

  // On the acceptor's thread, with the request read: a worker serves it, or the client is told
  // the daemon is busy (its request was read, so it reads the answer instead of a reset).
  private void dispatch(SocketChannel c, String line) {
    if (slots.tryAcquire()) {
      try {
        workers.execute(() -> serve(c, line));
        return;
      } catch (RejectedExecutionException e) {
        slots.release(); // stopping
      }
    }
    try (LineChannel lines = new LineChannel(c, ControlMessage.MAX_LINE)) {
      lines.write(
          ControlMessage.error(
                  RunError.BUSY,
                  "the daemon is busy: "
                      + MAX_WORKERS
                      + " requests are in progress on its control socket; try again shortly")
              .toLine());
    } catch (IOException ignored) {
      // the client gave up first
    }
  }

  private void serve(SocketChannel c, String line) {
    try (LineChannel lines = new LineChannel(c, ControlMessage.MAX_LINE)) {
      ControlMessage request;
      try {
        request = ControlMessage.parse(line);
      } catch (IOException e) {
        send(c, lines, ControlMessage.error(RunError.FAILED, "bad request: " + e.getMessage()));
        return;
      }
      switch (request.type()) {
        case "status" -> send(c, lines, ControlMessage.status(handler.status()));
        case "converge" -> converge(c, lines, Boolean.TRUE.equals(request.whyRun()), peer(c));
        default ->
            send(
                c,
                lines,
                ControlMessage.error(RunError.FAILED, "unknown request " + request.type()));
      }
    } catch (IOException e) {
      LOG.fine(() -> "control connection ended: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      slots.release();
    }
  }

  // A client that stops reading is hung up on after WRITE_TIMEOUT_MS, freeing its worker.
  private void send(SocketChannel c, LineChannel lines, ControlMessage m) throws IOException {
    ScheduledFuture<?> stalled =
        timers.schedule(
            () -> PendingRequests.closeQuietly(c), WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    try {
      lines.write(m.toLine());
    } finally {
      stalled.cancel(false);
    }
  }

  private void converge(SocketChannel c, LineChannel lines, boolean whyRun, String peer)
      throws IOException, InterruptedException {
    LOG.info(
        () -> (whyRun ? "why-run " : "") + "converge requested over the control socket by " + peer);
    BlockingQueue<ControlMessage> events = new LinkedBlockingQueue<>(10_000);
    boolean busy = handler.busy();
    CompletableFuture<RunOutcome> outcome = handler.converge(whyRun, new StreamingListener(events));
    if (busy) {
      send(
          c,
          lines,
          ControlMessage.queued("a converge is in progress; this request runs right after it"));
    }
    // The run's own thread never writes here: a client that stops reading cannot stall it. The
    // end of the run wakes this loop at once (a marker after the last event); the timed poll is
    // only the fallback should the bounded queue have been full.
    CompletableFuture<?> unused = outcome.whenComplete((o, e) -> events.offer(END));
    while (true) {
      ControlMessage m = events.poll(200, TimeUnit.MILLISECONDS);
      boolean end = m != null && "end".equals(m.type());
      if (m != null && !end) {
        send(c, lines, m);
      } else if (outcome.isDone() && (end || events.isEmpty())) {
        break;
      }
    }
    RunOutcome o;
    try {
      o = outcome.get();
    } catch (ExecutionException e) {
      o = RunOutcome.error(RunError.FAILED, "internal error: " + e.getCause());
    }
    send(
        c,
        lines,
        o.error().isEmpty()
            ? ControlMessage.result(o.report())
            : ControlMessage.error(o.error().get(), o.message()));
  }

  private static String peer(SocketChannel c) {
    try {
      UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
      return "user " + p.user().getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "a local client";
    }
  }

  @Override
  public void close() throws IOException {
    pending.close();
    server.close();
    Files.deleteIfExists(path);
    // A client waiting for a run's result gets it: the run ended before the socket closes.
    workers.shutdown();
    try {
      if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  static boolean isAbsent(IOException e) {
    return e instanceof ConnectException
        || (e instanceof SocketException
            && String.valueOf(e.getMessage()).contains("No such file"));
  }
}
