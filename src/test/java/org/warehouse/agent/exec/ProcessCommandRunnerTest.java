package org.warehouse.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {
  private final ProcessCommandRunner runner = new ProcessCommandRunner();
  @TempDir Path dir;

  @Test
  void argumentsReachTheProgramExactlyWithNoShellInBetween() throws Exception {
    List<String> awkward =
        List.of("a b", "'q'", "\"dq\"", "$(touch " + dir + "/pwned)", "*", ";ls");
    List<String> argv = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
    argv.addAll(awkward);

    CommandResult r = runner.run(new Command(argv, Map.of(), Duration.ofSeconds(10)));

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout().lines().toList())
        .containsExactly(
            "[a b]", "['q']", "[\"dq\"]", "[$(touch " + dir + "/pwned)]", "[*]", "[;ls]");
    assertThat(dir.resolve("pwned")).doesNotExist();
  }

  @Test
  void theEnvironmentIsExactlyBasePlusWhatIsGiven() throws Exception {
    CommandResult r =
        runner.run(
            new Command(
                List.of("env"),
                Map.of("DEBIAN_FRONTEND", "noninteractive"),
                Duration.ofSeconds(10)));

    assertThat(r.stdout().lines().sorted().toList())
        .containsExactly(
            "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C", "PATH=" + Command.BASE_ENV.get("PATH"));
  }

  @Test
  void exitCodesAndStderrAreCaptured() throws Exception {
    CommandResult r =
        runner.run(
            Command.of(Duration.ofSeconds(10), "sh", "-c", "echo out; echo oops >&2; exit 3"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.describeFailure()).isEqualTo("sh exited 3: oops");
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    long t0 = System.nanoTime();
    CommandResult r =
        runner.run(
            Command.of(
                Duration.ofMillis(700), "sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"));

    assertThat(r.timedOut()).isTrue();
    assertThat(r.describeFailure()).isEqualTo("sh timed out after 0s");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    long child = Long.parseLong(Files.readString(pidFile).strip());
    Thread.sleep(200);
    assertThat(isRunning(child))
        .as("grandchild sleep %d must be killed with its parent", child)
        .isFalse();
  }

  // A killed orphan may linger as a zombie where PID 1 does not reap; zombies do not run.
  private static boolean isRunning(long pid) throws IOException {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String s = Files.readString(stat);
    char state = s.charAt(s.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  @Test
  void outputIsCappedKeepingHeadAndTail() throws Exception {
    CommandResult r =
        runner.run(
            Command.of(
                Duration.ofSeconds(20),
                "sh",
                "-c",
                "echo FIRST; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo LAST"));

    assertThat(r.stdout()).startsWith("FIRST").endsWith("LAST\n").contains("bytes dropped");
    assertThat(r.stdout().length()).isLessThan(200_000);
  }

  @Test
  void aMissingProgramIsAnIoException() {
    assertThatThrownBy(
            () -> runner.run(Command.of(Duration.ofSeconds(5), "/nonexistent/program-xyz")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void argvIsValidated() {
    assertThatThrownBy(() -> Command.of(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Command.of(Duration.ofSeconds(1), "echo", "a\0b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
