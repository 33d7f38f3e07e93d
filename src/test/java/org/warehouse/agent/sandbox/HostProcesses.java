package org.warehouse.agent.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs host processes with a timeout, output in files, and kills process trees by PID. */
final class HostProcesses {
  private HostProcesses() {}

  /**
   * Runs {@code argv} on the host with the JVM's environment plus {@code env}, in {@code cwd}.
   *
   * @throws SandboxException on timeout (after killing the process and its descendants)
   */
  static ExecResult run(List<String> argv, Map<String, String> env, Path cwd, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(argv).directory(cwd.toFile());
    builder.environment().putAll(env);
    return run(builder, timeout);
  }

  /**
   * Runs a prepared builder. Output goes to temporary files, not pipes: a daemon the command leaves
   * behind (gpg-agent, a service's child) would otherwise hold the pipe open forever.
   */
  static ExecResult run(ProcessBuilder builder, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("sandbox-exec-", ".out");
      err = Files.createTempFile("sandbox-exec-", ".err");
      long start = System.nanoTime();
      Process process =
          builder
              .redirectInput(new File("/dev/null"))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      int exit = await(process, timeout, builder.command(), out, err);
      return new ExecResult(
          builder.command(),
          exit,
          Files.readString(out),
          Files.readString(err),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + builder.command(), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Waits for the exit code; on timeout or interrupt kills the tree and throws. */
  static int await(Process process, Duration timeout, List<String> argv, Path out, Path err) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      killTree(process.toHandle());
      throw new SandboxException(
          "timed out after "
              + timeout.toSeconds()
              + " s (killed): "
              + String.join(" ", argv)
              + "\n  stdout so far: "
              + readQuietly(out)
              + "\n  stderr so far: "
              + readQuietly(err));
    } catch (InterruptedException e) {
      killTree(process.toHandle());
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while running " + String.join(" ", argv), e);
    }
  }

  /** SIGKILLs a process and every descendant, by PID, and waits briefly for them to go. */
  /**
   * The entries of {@code dir} whose names match {@code name} (group 1 the owning JVM's PID) and
   * whose owner no longer runs: what a JVM killed without cleanup left behind.
   */
  static List<Path> leftByDeadJvms(Path dir, java.util.regex.Pattern name) {
    try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(dir)) {
      return entries
          .filter(
              entry -> {
                java.util.regex.Matcher m = name.matcher(entry.getFileName().toString());
                return m.matches()
                    && ProcessHandle.of(Long.parseLong(m.group(1)))
                        .map(handle -> !handle.isAlive())
                        .orElse(true);
              })
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void killTree(ProcessHandle root) {
    List<ProcessHandle> children = root.children().toList();
    List<ProcessHandle> descendants = root.descendants().toList();
    // Descendants first, and the root only once it has reaped its children. A child of nsenter
    // (which is outside the sandbox) that outlives it is reparented to the host's init, which may
    // reap it only seconds later; until then the sandbox's PID 1 cannot finish its shutdown,
    // because a PID namespace ends only when every one of its PIDs is released.
    descendants.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle child : children) {
      awaitReaped(child.pid(), Duration.ofSeconds(2));
    }
    for (ProcessHandle handle : descendants) {
      awaitGone(handle.pid(), Duration.ofSeconds(2));
    }
    root.destroyForcibly();
    awaitExit(root, Duration.ofSeconds(2));
  }

  private static void awaitReaped(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Files.exists(Path.of("/proc", Long.toString(pid))) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Waits until a process is gone or a zombie. Not {@link ProcessHandle#onExit()}: for a process
   * that is not the JVM's child it polls with growing pauses and counts zombies as alive.
   */
  static boolean awaitGone(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isGone(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return isGone(pid);
      }
    }
    return true;
  }

  private static boolean isGone(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return true;
    }
    // "PID (COMM) STATE ...": COMM may contain spaces and parentheses, so look after the last ')'.
    int end = stat.lastIndexOf(')');
    char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
    return state == 'Z' || state == 'X';
  }

  /** Whether the process exited within the timeout. */
  static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return !handle.isAlive();
    }
  }

  /** A command's output file, as it is. */
  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file's content stripped, or a note saying why it could not be read: for messages. */
  static String readQuietly(Path file) {
    try {
      return file == null ? "" : Files.readString(file).strip();
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      System.err.println("sandbox: cannot delete " + file + ": " + e.getMessage());
    }
  }
}
