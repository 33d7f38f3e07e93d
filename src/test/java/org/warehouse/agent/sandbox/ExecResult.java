package org.warehouse.agent.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a finished command did: its exit code and everything it printed. */
public record ExecResult(
    List<String> argv, int exitCode, String stdout, String stderr, Duration elapsed) {

  /** Copies {@code argv} and rejects nulls. */
  public ExecResult {
    argv = List.copyOf(argv);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Whether the command exited 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Returns this result if the command exited 0, else fails the test with the command, its exit
   * code and its output.
   */
  public ExecResult requireSuccess() {
    if (!succeeded()) {
      throw new AssertionError("command failed: " + this);
    }
    return this;
  }

  @Override
  public String toString() {
    return String.join(" ", argv)
        + "\n  exit code "
        + exitCode
        + " after "
        + elapsed.toMillis()
        + " ms\n  stdout: "
        + tail(stdout)
        + "\n  stderr: "
        + tail(stderr);
  }

  /** The end of long output: where the error usually is. */
  private static String tail(String text) {
    int max = 4000;
    String trimmed = text.strip();
    return trimmed.length() <= max ? trimmed : "..." + trimmed.substring(trimmed.length() - max);
  }
}
