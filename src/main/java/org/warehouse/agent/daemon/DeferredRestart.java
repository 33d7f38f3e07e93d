package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.warehouse.agent.service.ServiceException;
import org.warehouse.agent.service.Systemctl;

/**
 * A restart the package's postinst asked for (an upgrade of warehouse-agent), done once no converge
 * is in progress. The postinst cannot restart the daemon itself: a restart in the middle of a run
 * would cut it short at its next safe point, and when the daemon is installing its own new version,
 * a blocking restart from the postinst (its grandchild) would wait for a daemon that waits for the
 * postinst. So the postinst writes {@code RUNTIME_DIRECTORY/restart-requested} and returns; the
 * daemon polls the file every second and, when idle, asks systemd for a restart without waiting for
 * it ({@link Systemctl#requestRestart}): SIGTERM finds it idle, it exits 0, and systemd starts the
 * new version.
 */
final class DeferredRestart implements Runnable {
  /** The file's name in the unit's runtime directory (the postinst writes it). */
  static final String FILE = "restart-requested";

  private static final Logger LOG = Logger.getLogger("daemon");

  /** What restarts the daemon. */
  interface Restarter {
    void restart() throws ServiceException, InterruptedException;
  }

  private final Path request;
  private final BooleanSupplier busy;
  private final Restarter restarter;
  private boolean announced;
  private boolean done;

  DeferredRestart(Path request, BooleanSupplier busy, Restarter restarter) {
    this.request = request;
    this.busy = busy;
    this.restarter = restarter;
  }

  /**
   * The poll for this daemon's unit, when it runs under systemd (a runtime directory in {@code
   * env}, a {@code .service} in {@code procSelfCgroup}); stale requests already forgotten.
   *
   * @param busy whether a converge is in progress
   */
  static Optional<DeferredRestart> underSystemd(
      Map<String, String> env,
      Path procSelfCgroup,
      Instant startedAt,
      BooleanSupplier busy,
      Systemctl systemctl) {
    String dirs = env.get("RUNTIME_DIRECTORY");
    Optional<String> unit = ownUnit(procSelfCgroup);
    if (dirs == null || dirs.isBlank() || unit.isEmpty()) {
      return Optional.empty();
    }
    String name = unit.get();
    DeferredRestart restart =
        new DeferredRestart(
            Path.of(dirs.split(":", -1)[0]).resolve(FILE),
            busy,
            () -> systemctl.requestRestart(name));
    restart.clearStale(startedAt);
    return Optional.of(restart);
  }

  /**
   * Forgets a request older than this daemon ({@code startedAt}, the JVM's start): it was meant for
   * the daemon that ran then, and this one already runs the version installed before it started. A
   * request written while this JVM was starting is kept: the jar may have been replaced after the
   * JVM opened the old one.
   */
  void clearStale(Instant startedAt) {
    try {
      if (Files.exists(request)
          && Files.getLastModifiedTime(request).toInstant().isBefore(startedAt)) {
        Files.delete(request);
        LOG.info("ignoring " + request + ": it was for the daemon that ran before this one");
      }
    } catch (IOException e) {
      LOG.warning("cannot remove " + request + ": " + e.getMessage());
    }
  }

  /** One poll: restarts when a request is there and no converge runs. */
  @Override
  public synchronized void run() {
    if (done || !Files.exists(request)) {
      return;
    }
    String why = why();
    if (busy.getAsBoolean()) {
      if (!announced) {
        LOG.info("restart requested (" + why + "): after the converge in progress");
        announced = true;
      }
      return;
    }
    try {
      Files.deleteIfExists(request);
      LOG.info("restart requested (" + why + "): no converge in progress, restarting now");
      done = true;
      restarter.restart();
    } catch (IOException | ServiceException e) {
      done = false;
      LOG.severe(
          "cannot restart for " + why + ": " + e.getMessage() + "; restart the unit by hand");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The unit this process runs in, from its cgroup ({@code 0::/system.slice/NAME.service}), if it
   * is a service.
   */
  static Optional<String> ownUnit(Path procSelfCgroup) {
    try {
      for (String line : Files.readAllLines(procSelfCgroup, StandardCharsets.UTF_8)) {
        if (line.startsWith("0::")) {
          String name = line.substring(line.lastIndexOf('/') + 1);
          return name.endsWith(".service") ? Optional.of(name) : Optional.empty();
        }
      }
    } catch (IOException e) {
      LOG.warning("cannot read " + procSelfCgroup + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private String why() {
    try {
      String text = Files.readString(request, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "by the package" : text;
    } catch (IOException e) {
      return "by the package";
    }
  }
}
