package org.warehouse.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A command running in the background inside a sandbox; closing it (or the sandbox) kills it. */
public final class SandboxProcess implements AutoCloseable {
  private final List<String> argv;
  private final Process nsenter;
  private final Path out;
  private final Path err;
  private final Runnable onClose;
  private final long startNanos = System.nanoTime();
  private long hostPid;

  SandboxProcess(List<String> argv, Process nsenter, Path out, Path err, Runnable onClose) {
    this.argv = List.copyOf(argv);
    this.nsenter = nsenter;
    this.out = out;
    this.err = err;
    this.onClose = onClose;
  }

  /**
   * The command's PID on the host (nsenter forks it): for {@code /proc/PID/...} and signals.
   *
   * @throws SandboxException if the command is already gone
   */
  public synchronized long hostPid() {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (hostPid == 0) {
      Optional<ProcessHandle> child = nsenter.toHandle().children().findFirst();
      if (child.isPresent()) {
        hostPid = child.get().pid();
      } else if (!nsenter.isAlive() || System.nanoTime() > deadline) {
        throw new SandboxException("no process (exited already?): " + String.join(" ", argv));
      } else {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SandboxException("interrupted", e);
        }
      }
    }
    return hostPid;
  }

  /** The command's PID inside the sandbox (what {@code ps} inside shows). */
  public long pid() {
    String status = HostProcesses.readQuietly(Path.of("/proc", Long.toString(hostPid()), "status"));
    return status
        .lines()
        .filter(line -> line.startsWith("NSpid:"))
        .map(line -> line.substring("NSpid:".length()).strip().split("\\s+", -1))
        .map(ids -> Long.parseLong(ids[ids.length - 1]))
        .findFirst()
        .orElseThrow(() -> new SandboxException("no NSpid for " + hostPid));
  }

  /** Whether the command still runs. */
  public boolean isAlive() {
    return nsenter.isAlive();
  }

  /** Sends a signal by name ({@code TERM}, {@code INT}, {@code KILL}, {@code STOP}...) to it. */
  public void signal(String signal) {
    HostProcesses.run(
            List.of("kill", "-s", signal, Long.toString(hostPid())),
            Map.of(),
            Path.of("/"),
            Duration.ofSeconds(10))
        .requireSuccess();
  }

  /** SIGKILLs the command (and whatever it started outside systemd) and waits for it to go. */
  public void kill() {
    HostProcesses.killTree(nsenter.toHandle());
  }

  /**
   * Waits for the command to exit and returns what it did.
   *
   * @throws SandboxException if it still runs after {@code timeout} (it is then killed)
   */
  public ExecResult waitFor(Duration timeout) {
    try {
      int exit = HostProcesses.await(nsenter, timeout, argv, out, err);
      return new ExecResult(
          argv,
          exit,
          HostProcesses.read(out),
          HostProcesses.read(err),
          Duration.ofNanos(System.nanoTime() - startNanos));
    } finally {
      onClose.run();
    }
  }

  /** What it printed on stdout so far. */
  public String stdoutSoFar() {
    return Files.exists(out) ? HostProcesses.read(out) : "";
  }

  /** What it printed on stderr so far. */
  public String stderrSoFar() {
    return Files.exists(err) ? HostProcesses.read(err) : "";
  }

  /** Kills it (and anything it started outside systemd) if it still runs. */
  @Override
  public void close() {
    if (nsenter.isAlive()) {
      kill();
    }
    onClose.run();
  }

  @Override
  public String toString() {
    return "SandboxProcess" + argv;
  }
}
