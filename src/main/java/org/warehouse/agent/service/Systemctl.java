package org.warehouse.agent.service;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;

/**
 * Drives systemd through {@code systemctl}, always with a timeout: a hung systemd fails the run
 * instead of hanging the agent. Reads unit state over systemd's private bus when it can (no process
 * per look), else with {@code systemctl show}.
 */
public final class Systemctl {
  private final CommandRunner runner;
  private final Duration timeout;
  private final Optional<SystemdBus> bus;

  /** Every call through {@code systemctl} processes (what the tests' fakes answer). */
  public Systemctl(CommandRunner runner, Duration timeout) {
    this(runner, timeout, Optional.empty());
  }

  /** Reads state through {@code bus} where it answers, falling back to {@code systemctl show}. */
  public Systemctl(CommandRunner runner, Duration timeout, Optional<SystemdBus> bus) {
    this.runner = runner;
    this.timeout = timeout;
    this.bus = bus;
  }

  /** Reads the unit's load, active and enablement state and main PID. */
  public UnitState show(String unit) throws ServiceException, InterruptedException {
    if (bus.isPresent() && bus.get().present()) {
      try {
        return bus.get().show(unit);
      } catch (IOException e) {
        // Not root, an older systemd, a stuck bus: systemctl knows its other ways in; its answer
        // (or its error, with the timeout) is the one that counts.
      }
    }
    CommandResult r =
        call("show", "--property=LoadState,ActiveState,SubState,UnitFileState,MainPID", "--", unit);
    Map<String, String> props = new HashMap<>();
    for (String line : r.stdout().lines().toList()) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        props.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    long pid;
    try {
      pid = Long.parseLong(props.getOrDefault("MainPID", "0"));
    } catch (NumberFormatException e) {
      pid = 0;
    }
    return new UnitState(
        props.getOrDefault("LoadState", "not-found"),
        props.getOrDefault("ActiveState", "inactive"),
        props.getOrDefault("SubState", "dead"),
        props.getOrDefault("UnitFileState", ""),
        pid);
  }

  public void restart(String unit) throws ServiceException, InterruptedException {
    call("restart", "--", unit);
  }

  /**
   * Queues a restart of {@code unit} without waiting for it ({@code --no-block}): what a unit asks
   * for its own restart, since a blocking call would wait for the very stop it causes.
   */
  public void requestRestart(String unit) throws ServiceException, InterruptedException {
    call("restart", "--no-block", "--", unit);
  }

  public void start(String unit) throws ServiceException, InterruptedException {
    call("start", "--", unit);
  }

  public void enable(String unit) throws ServiceException, InterruptedException {
    call("enable", "--", unit);
  }

  /** Clears a failed state and the start rate limit, so a deliberate restart is not refused. */
  public void resetFailed(String unit) throws ServiceException, InterruptedException {
    call("reset-failed", "--", unit);
  }

  private CommandResult call(String... args) throws ServiceException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(List.of("systemctl", "--no-pager", "--quiet"));
    argv.addAll(List.of(args));
    CommandResult r;
    try {
      r = runner.run(new Command(argv, Map.of("SYSTEMD_COLORS", "0"), timeout));
    } catch (IOException e) {
      throw new ServiceException("cannot run systemctl: " + e.getMessage(), e);
    }
    if (!r.succeeded()) {
      throw new ServiceException("systemctl " + args[0] + " failed: " + r.describeFailure());
    }
    return r;
  }
}
