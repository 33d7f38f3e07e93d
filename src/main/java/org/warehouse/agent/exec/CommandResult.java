package org.warehouse.agent.exec;

import java.time.Duration;
import java.util.List;

/** What a finished (or timed-out) process left: exit code, captured output, timing. */
public record CommandResult(
    Command command,
    int exitCode,
    String stdout,
    String stderr,
    boolean timedOut,
    Duration elapsed) {

  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }

  /** The last {@code n} non-blank lines of stderr, else of stdout: what explains a failure. */
  public String tail(int n) {
    String source = stderr.isBlank() ? stdout : stderr;
    List<String> lines = source.lines().filter(l -> !l.isBlank()).toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size())).strip();
  }

  /** A one-line description of a failure, for reports. */
  public String describeFailure() {
    String what = command.argv().get(0);
    if (timedOut) {
      return what + " timed out after " + command.timeout().toSeconds() + "s";
    }
    String t = tail(3);
    return what + " exited " + exitCode + (t.isEmpty() ? "" : ": " + t);
  }
}
