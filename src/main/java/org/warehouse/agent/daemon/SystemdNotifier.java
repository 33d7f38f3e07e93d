package org.warehouse.agent.daemon;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;

/**
 * Tells systemd that the daemon is ready (Type=notify) by running {@code systemd-notify --ready}:
 * the JDK cannot send the datagram to {@code $NOTIFY_SOCKET} itself without native code. systemd
 * 252's systemd-notify waits until PID 1 has processed the message, so it is attributed to the unit
 * (NotifyAccess=all, the sender being a child). Outside systemd (no NOTIFY_SOCKET) it does nothing.
 */
public final class SystemdNotifier {
  private static final Logger LOG = Logger.getLogger("daemon");

  private final CommandRunner runner;
  private final String socket;

  /**
   * @param environment the daemon's environment, where systemd puts NOTIFY_SOCKET
   */
  public SystemdNotifier(CommandRunner runner, Map<String, String> environment) {
    this.runner = runner;
    String s = environment.get("NOTIFY_SOCKET");
    this.socket = s == null || s.isBlank() ? null : s;
  }

  /** Whether systemd asked for notifications. */
  public boolean enabled() {
    return socket != null;
  }

  /**
   * Sends READY=1 with a status line. A failure is logged, not thrown: systemd then fails the start
   * at TimeoutStartSec, which says more than a daemon that refuses to run.
   */
  public void ready(String status) {
    if (socket == null) {
      return;
    }
    // Its own environment only (commands get no inherited one): the socket is all it needs.
    Command command =
        new Command(
            List.of("systemd-notify", "--ready", "--status=" + status),
            Map.of("NOTIFY_SOCKET", socket),
            Duration.ofSeconds(30));
    try {
      CommandResult r = runner.run(command);
      if (!r.succeeded()) {
        LOG.warning("cannot tell systemd the daemon is ready: " + r.describeFailure());
      }
    } catch (IOException e) {
      LOG.warning("cannot tell systemd the daemon is ready: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
