package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandbox.hostPath's symlink resolution, on a directory standing in for the sandbox's root. */
class SandboxPathTest {
  @TempDir Path root;

  @Test
  void resolvesAbsoluteSymlinksInsideTheRoot() throws IOException {
    Files.createDirectories(root.resolve("run/lock"));
    Files.createDirectories(root.resolve("var"));
    Files.createSymbolicLink(root.resolve("var/run"), Path.of("/run"));

    assertThat(Sandbox.resolveInside(root, "/var/run/lock")).isEqualTo(root.resolve("run/lock"));
  }

  @Test
  void resolvesRelativeSymlinksAndDotDot() throws IOException {
    Files.createDirectories(root.resolve("opt/warehouse/etc"));
    Files.createSymbolicLink(root.resolve("opt/current"), Path.of("warehouse/etc"));

    assertThat(Sandbox.resolveInside(root, "/opt/current/config.yml"))
        .isEqualTo(root.resolve("opt/warehouse/etc/config.yml"));
    assertThat(Sandbox.resolveInside(root, "/../../opt/./warehouse/../warehouse"))
        .isEqualTo(root.resolve("opt/warehouse"));
    assertThat(Sandbox.resolveInside(root, "/")).isEqualTo(root);
  }

  @Test
  void rejectsRelativePathsAndLoops() throws IOException {
    Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));

    assertThatThrownBy(() -> Sandbox.resolveInside(root, "etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sandbox.resolveInside(root, "/loop"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
