package org.warehouse.agent.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.warehouse.agent.converge.RunListener;

/**
 * The CLI's end of the control socket. Deliberately small: it loads neither Quartz nor Micrometer
 * nor an HTTP client, so {@code agent converge --now} stays a quick command. Part of the start-up
 * boundary package {@code org.warehouse.agent.launch} describes; it stays here, beside the
 * package-private protocol classes it speaks.
 */
public final class ControlClient implements AutoCloseable {
  private final Path path;
  private final LineChannel lines;

  private ControlClient(Path path, LineChannel lines) {
    this.path = path;
    this.lines = lines;
  }

  /**
   * Connects to the daemon whose run directory is {@code runDir}.
   *
   * @return empty when no daemon runs: no socket file, or nobody listening on it
   * @throws IOException when a socket is there but cannot be used (permissions, for instance)
   */
  public static Optional<ControlClient> connect(Path runDir) throws IOException {
    Path path = runDir.resolve(ControlServer.SOCKET);
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    preferPlatformSelectorProvider();
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      channel.close();
      if (ControlServer.isAbsent(e)) {
        return Optional.empty();
      }
      throw new IOException(
          "cannot use the daemon's control socket " + path + ": " + e.getMessage(), e);
    }
    return Optional.of(new ControlClient(path, new LineChannel(channel, ControlMessage.MAX_LINE)));
  }

  static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";
  static final String EPOLL = "sun.nio.ch.EPollSelectorProvider";

  /**
   * Names the JDK's own selector provider in the system property {@link
   * java.nio.channels.spi.SelectorProvider#provider()} reads first. Without it the first channel
   * looks for providers with ServiceLoader, which opens the agent's 8 MB jar (its classes come from
   * the class archive; nothing else in a thin client opens it) only to find none there, a cost
   * every {@code converge --now} through the daemon would pay. Only where this JDK has that class,
   * and never over a value someone set: otherwise the usual lookup.
   */
  static void preferPlatformSelectorProvider() {
    if (System.getProperty(SELECTOR_PROVIDER) != null) {
      return;
    }
    try {
      Class.forName(EPOLL, false, null);
      System.setProperty(SELECTOR_PROVIDER, EPOLL);
    } catch (ClassNotFoundException e) {
      // Another JDK or platform: the ServiceLoader lookup finds its default.
    }
  }

  /**
   * Asks the daemon to converge and replays the run's events into {@code listener} as they come.
   *
   * @param notice gets the daemon's remarks (for instance that the request waits for a run)
   */
  public RunOutcome converge(boolean whyRun, RunListener listener, Consumer<String> notice)
      throws IOException {
    lines.write(ControlMessage.converge(whyRun).toLine());
    while (true) {
      ControlMessage m = next();
      switch (m.type()) {
        case "queued" -> notice.accept(m.message());
        case "started" ->
            listener.runStarted(m.runId(), m.trigger(), Boolean.TRUE.equals(m.whyRun()));
        case "resource" ->
            listener.resourceFinished(m.resource(), Boolean.TRUE.equals(m.notification()));
        case "finished" -> listener.runFinished(m.report());
        case "result" -> {
          return RunOutcome.of(m.report());
        }
        case "error" -> {
          return RunOutcome.error(m.error() == null ? RunError.FAILED : m.error(), m.message());
        }
        default -> throw new IOException("unexpected message from the daemon: " + m.type());
      }
    }
  }

  /** The daemon's status. */
  public DaemonStatus status() throws IOException {
    lines.write(ControlMessage.statusRequest().toLine());
    ControlMessage m = next();
    if ("error".equals(m.type())) {
      throw new IOException(m.message());
    }
    if (!"status".equals(m.type()) || m.status() == null) {
      throw new IOException("unexpected answer to status from the daemon: " + m.type());
    }
    return m.status();
  }

  private ControlMessage next() throws IOException {
    String line = lines.readLine();
    if (line == null) {
      throw new IOException(
          "the daemon closed the connection " + path + " before the run's result");
    }
    return ControlMessage.parse(line);
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
