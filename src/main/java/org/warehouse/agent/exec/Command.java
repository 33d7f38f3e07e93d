package org.warehouse.agent.exec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** One process to run: an argv list (never a shell string), its complete environment, a timeout. */
public record Command(List<String> argv, Map<String, String> env, Duration timeout) {

  /** The environment every child gets: a fixed PATH and the C locale, so output parses. */
  public static final Map<String, String> BASE_ENV =
      Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C");

  public Command {
    Objects.requireNonNull(argv, "argv");
    Objects.requireNonNull(timeout, "timeout");
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv is empty");
    }
    for (String a : argv) {
      // A NUL cannot be passed through execve; refuse it rather than truncate silently.
      if (a == null || a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argv contains null or NUL: " + argv);
      }
    }
    argv = List.copyOf(argv);
    TreeMap<String, String> merged = new TreeMap<>(BASE_ENV);
    if (env != null) {
      merged.putAll(env);
    }
    env = Map.copyOf(merged);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** A command with the base environment only. */
  public static Command of(Duration timeout, String... argv) {
    return new Command(List.of(argv), Map.of(), timeout);
  }

  /** This command with extra environment variables. */
  public Command withEnv(Map<String, String> extra) {
    TreeMap<String, String> merged = new TreeMap<>(env);
    merged.putAll(extra);
    return new Command(argv, merged, timeout);
  }

  /** The argv joined for messages; never executed. */
  public String display() {
    return String.join(" ", argv);
  }
}
