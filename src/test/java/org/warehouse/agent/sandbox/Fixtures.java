package org.warehouse.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build outputs and test fixtures are: Failsafe's system properties, or defaults. */
public final class Fixtures {
  private Fixtures() {}

  /** The {@code test-fixtures/} directory (system property {@code fixtures.dir}). */
  public static Path fixturesDir() {
    return fromProperty("fixtures.dir", "test-fixtures");
  }

  /** The project directory; the sandbox always binds it, so its files have the same path inside. */
  public static Path projectDir() {
    return fixturesDir().getParent();
  }

  /** {@code target/warehouse-agent.jar} (system property {@code agent.jar}). */
  public static Path agentJar() {
    return fromProperty("agent.jar", "target/warehouse-agent.jar");
  }

  /** {@code target/bin/agent} (system property {@code agent.launcher}). */
  public static Path agentLauncher() {
    return fromProperty("agent.launcher", "target/bin/agent");
  }

  /** A script under {@code test-fixtures/}, checked to exist. */
  static Path script(String name) {
    Path script = fixturesDir().resolve(name);
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("missing fixture script " + script);
    }
    return script;
  }

  private static Path fromProperty(String property, String fallback) {
    String value = System.getProperty(property);
    // Maven runs tests in the project directory, so the relative fallbacks work from an IDE too.
    Path path = value == null || value.isBlank() ? Path.of(fallback) : Path.of(value);
    return path.toAbsolutePath().normalize();
  }
}
