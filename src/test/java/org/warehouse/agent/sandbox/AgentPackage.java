package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent's own .deb: the one {@code mvn package} built, or another version built for a test. */
public final class AgentPackage {
  private AgentPackage() {}

  /** The pom's version, which the Maven-built package carries (system property agent.version). */
  public static String version() {
    String v = System.getProperty("agent.version");
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property agent.version is not set (run via Maven)");
    }
    return v;
  }

  /** {@code target/warehouse-agent_VERSION_all.deb} as the package phase left it. */
  public static Path built() {
    Path deb =
        Path.of(System.getProperty("agent.deb", "target/warehouse-agent_" + version() + "_all.deb"))
            .toAbsolutePath();
    if (!Files.isRegularFile(deb)) {
      throw new IllegalStateException(deb + " is missing: run the Maven package phase first");
    }
    return deb;
  }

  /** packaging/build-deb.sh. */
  public static Path script() {
    return Fixtures.projectDir().resolve("packaging/build-deb.sh");
  }

  /**
   * Builds the package of {@code version} from the built jar into {@code outDir} (as a release
   * build of that version would: the version stamped into the jar), with a fixed date.
   */
  public static Path build(String version, Path outDir) {
    try {
      Files.createDirectories(outDir);
      Path log = Files.createTempFile(outDir, "build-deb-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      script().toString(),
                      "--jar",
                      Fixtures.agentJar().toString(),
                      "--out",
                      outDir.toString(),
                      version))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("SOURCE_DATE_EPOCH", "1795000000");
      Process p = pb.start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("build-deb.sh " + version + " timed out");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.delete(log);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("build-deb.sh " + version + " failed:\n" + output);
      }
      return Path.of(output.strip().lines().reduce((a, b) -> b).orElseThrow());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
