package org.warehouse.agent.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFilesTest {
  @TempDir Path dir;

  @Test
  void aCacheIsReplacedWholeOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
    Path f = dir.resolve("apt-queries.json");
    Files.writeString(f, "old and longer content");

    StateFiles.replaceCache(f, "{}".getBytes(UTF_8));

    assertThat(Files.readString(f)).isEqualTo("{}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void aStateFileIsWrittenTheSameWay() throws Exception {
    Path f = dir.resolve("last-run.json");

    StateFiles.writeAtomically(f, "{\"a\":1}".getBytes(UTF_8));

    assertThat(Files.readString(f)).isEqualTo("{\"a\":1}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
  }
}
