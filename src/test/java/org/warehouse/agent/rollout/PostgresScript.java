package org.warehouse.agent.rollout;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.warehouse.agent.sandbox.Fixtures;

/** Runs test-fixtures/postgres.sh as a process (argv list, output in files, a timeout). */
final class PostgresScript {
  /** Where Debian's postgresql-15 puts the server's programs. */
  static final Path BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");

  // initdb and a first start take seconds; a stop may wait out a fast shutdown (30 s) first.
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private PostgresScript() {}

  /** What the script printed and how it ended. */
  record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    /** The {@code KEY=VALUE} lines of stdout. */
    Map<String, String> values() {
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : stdout.split("\n", -1)) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).matches("[A-Z_]+")) {
          values.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return values;
    }

    Result requireSuccess() {
      if (exitCode != 0) {
        throw new IllegalStateException(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      // The passwords are throw-away, but a test report is no place for them either.
      String shown = stdout.replaceAll("(?m)^(PG_[A-Z_]*PASSWORD)=.*$", "$1=***");
      return String.join(" ", argv) + " exited " + exitCode + "\n" + shown + stderr;
    }
  }

  /** Fails, naming what to run, when Debian's PostgreSQL 15 is not installed in {@code binDir}. */
  static void requireInstalled(Path binDir) {
    for (String tool : List.of("initdb", "pg_ctl", "postgres", "psql")) {
      if (!Files.isExecutable(binDir.resolve(tool))) {
        throw new AssertionError(
            "PostgreSQL 15 is not installed ("
                + binDir.resolve(tool)
                + " is missing): run test-fixtures/install-deps.sh as root");
      }
    }
  }

  /** Runs {@code postgres.sh args...}; on timeout kills it and stops the instance it announced. */
  static Result run(List<String> args) {
    return run(args, Map.of());
  }

  /** {@link #run(List)} with {@code env} added to the JVM's environment. */
  static Result run(List<String> args, Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    argv.add(Fixtures.fixturesDir().resolve("postgres.sh").toString());
    argv.addAll(args);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("postgres-sh-", ".out");
      err = Files.createTempFile("postgres-sh-", ".err");
      // Files, not pipes: the postmaster and the watchdog outlive the script.
      ProcessBuilder builder = new ProcessBuilder(argv);
      builder.environment().putAll(env);
      Process process =
          builder
              .redirectInput(new File("/dev/null"))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        Result partial = new Result(argv, -1, Files.readString(out), Files.readString(err));
        String dir = partial.values().get("PG_DIR");
        if (dir != null && args.get(0).equals("start")) {
          run(List.of("stop", dir));
        }
        throw new IllegalStateException("timed out after " + TIMEOUT + ": " + partial);
      }
      return new Result(argv, process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + argv, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A temporary file left in /tmp is harmless; the test's outcome matters more.
      }
    }
  }
}
