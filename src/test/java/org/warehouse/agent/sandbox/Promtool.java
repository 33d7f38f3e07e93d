package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's promtool, unpacked from Debian's package by test-fixtures/install-promtool.sh on
 * first use (cached), to check scrapes ({@code check metrics}) and rules ({@code test rules}).
 */
public final class Promtool {
  private static Path cached;

  private Promtool() {}

  /**
   * The promtool binary. Where it cannot be had (no apt, no root) the calling test is skipped with
   * the reason, or fails with {@code CI=true}.
   */
  public static synchronized Path path() {
    if (cached != null) {
      return cached;
    }
    ExecResult r =
        HostProcesses.run(
            List.of("/bin/sh", Fixtures.script("install-promtool.sh").toString()),
            Map.of(),
            Fixtures.projectDir(),
            Duration.ofMinutes(5));
    if (!r.succeeded()) {
      String why =
          "promtool unavailable (test-fixtures/install-promtool.sh): " + r.stderr().strip();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    cached = Path.of(r.stdout().strip());
    return cached;
  }

  /** {@code promtool check metrics} on {@code exposition}; the result carries promtool's words. */
  public static ExecResult checkMetrics(String exposition) {
    try {
      Path file = Files.createTempFile("scrape-", ".prom");
      try {
        Files.writeString(file, exposition);
        // promtool reads the exposition on stdin.
        return HostProcesses.run(
            List.of(
                "/bin/sh",
                "-c",
                "exec \"$0\" check metrics < \"$1\"",
                path().toString(),
                file.toString()),
            Map.of(),
            Fixtures.projectDir(),
            Duration.ofSeconds(60));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code promtool ARGS...} in {@code dir}. */
  public static ExecResult run(Path dir, String... args) {
    List<String> argv = new java.util.ArrayList<>();
    argv.add(path().toString());
    argv.addAll(List.of(args));
    return HostProcesses.run(argv, Map.of(), dir, Duration.ofMinutes(2));
  }
}
