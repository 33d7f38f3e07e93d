package org.warehouse.agent.daemon;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.warehouse.agent.converge.RunListener;

/** What the control socket asks of a running daemon: a converge, whether one runs, its status. */
final class DaemonControl implements ControlServer.Handler {
  private final Daemon daemon;
  private final RunCoordinator runs;
  private final String version;
  private final Instant startedAt;
  private final Path config;

  DaemonControl(
      Daemon daemon, RunCoordinator runs, String version, Instant startedAt, Path config) {
    this.daemon = daemon;
    this.runs = runs;
    this.version = version;
    this.startedAt = startedAt;
    this.config = config;
  }

  @Override
  public CompletableFuture<RunOutcome> converge(boolean whyRun, RunListener l) {
    return runs.requestManual(whyRun, l);
  }

  @Override
  public boolean busy() {
    return runs.runningSince().isPresent();
  }

  @Override
  public DaemonStatus status() {
    return new DaemonStatus(
        version,
        ProcessHandle.current().pid(),
        startedAt,
        config.toString(),
        daemon.loadedAt(),
        daemon.nextRun().orElse(null),
        runs.runningSince().orElse(null),
        daemon.metricsUrl());
  }
}
