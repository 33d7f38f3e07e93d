package org.warehouse.agent.converge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.warehouse.agent.config.Settings;

/**
 * The host-wide converge lock: an fcntl lock on a file in the state directory ({@link
 * #file(Settings)}), so at most one converge runs per host whether it comes from the daemon, a
 * shell or a timer. The holder writes its PID into the file so a waiting process can say who holds
 * it.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name. */
  public static final String FILE = "run.lock";

  private static final Duration POLL = Duration.ofMillis(100);
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * The lock file of a host's agent: in the state directory, which is what a run guards, so two
   * agents with different run_dirs over one state_dir still exclude each other.
   */
  public static Path file(Settings settings) {
    return settings.stateDir().resolve(FILE);
  }

  /**
   * Takes the lock at {@code file}, waiting up to {@code timeout}.
   *
   * @throws LockBusyException naming the holder's PID when the wait times out
   */
  public static RunLock acquire(Path file, Duration timeout)
      throws IOException, LockBusyException, InterruptedException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        FileLock l;
        try {
          l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          l = null; // held by this JVM, e.g. the daemon's own run
        }
        if (l != null) {
          writePid(ch);
          return new RunLock(ch, l);
        }
        if (System.nanoTime() >= deadline) {
          String holder = Files.readString(file, StandardCharsets.US_ASCII).strip();
          throw new LockBusyException(
              "another converge holds the run lock "
                  + file
                  + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                  + "; gave up after "
                  + timeout.toSeconds()
                  + "s (lock_timeout)");
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (IOException | LockBusyException | InterruptedException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  // The PID only names the holder for a waiting process: on a full or failing disk the lock is
  // held all the same, and a run is not refused for want of a few bytes.
  private static void writePid(FileChannel ch) {
    try {
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ownPid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(false);
    } catch (IOException e) {
      // see above
    }
  }

  @Override
  public void close() throws IOException {
    try {
      channel.truncate(0);
    } catch (IOException e) {
      // A stale PID in an unlocked file names nobody: waiters only read it while it is locked.
    }
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  // This process's PID as /proc/self names it (the PID namespace's, as getpid() gives it):
  // ProcessHandle.current() starts ProcessHandleImpl, whose process reaper and lambdas a no-op
  // converge never needs otherwise.
  static long ownPid() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      return ProcessHandle.current().pid();
    }
  }
}
