package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class RunLockTest {
  @TempDir Path dir;

  @Test
  void aSecondProcessWaitsThenGivesUpNamingTheHolder() throws Exception {
    Path lockFile = dir.resolve("run/run.lock");
    // The holder is another JVM, as it would be on a host (fcntl locks are per process).
    Process holder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    LockHolder.class.getName(),
                    lockFile.toString()))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");

      long t0 = System.nanoTime();
      assertThatThrownBy(() -> RunLock.acquire(lockFile, Duration.ofMillis(400)))
          .isInstanceOf(LockBusyException.class)
          .hasMessageContaining("pid " + holder.pid())
          .hasMessageContaining("lock_timeout");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(400);
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // The holder died: the kernel dropped its lock, so the next run proceeds.
    try (RunLock lock = RunLock.acquire(lockFile, Duration.ofSeconds(2))) {
      assertThat(Files.readString(lockFile).strip())
          .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
    }
  }

  @Test
  void theLockIsReusableAfterClose() throws Exception {
    Path lockFile = dir.resolve("run.lock");
    try (RunLock first = RunLock.acquire(lockFile, Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> RunLock.acquire(lockFile, Duration.ofMillis(150)))
          .isInstanceOf(LockBusyException.class);
    }
    try (RunLock again = RunLock.acquire(lockFile, Duration.ofMillis(150))) {
      assertThat(lockFile).exists();
    }
  }

  /** Holds the lock until killed. */
  public static final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
      try (RunLock lock = RunLock.acquire(Path.of(args[0]), Duration.ofSeconds(5))) {
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
      }
    }
  }

  @Test
  void ownPidIsThisProcesssPid() {
    assertThat(RunLock.ownPid()).isEqualTo(ProcessHandle.current().pid());
  }
}
