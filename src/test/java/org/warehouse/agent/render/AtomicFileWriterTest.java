package org.warehouse.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {
  private static final byte[] OLD = "old: content\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEW =
      "new: content, longer than the old one\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private Path etc;
  private Path target;
  private Path backups;
  private final AtomicFileWriter writer = new AtomicFileWriter();

  @BeforeEach
  void setUp() throws IOException {
    etc = Files.createDirectory(dir.resolve("etc"));
    target = etc.resolve("config.yml");
    backups = dir.resolve("state/backup");
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private List<String> names(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void createsThenLeavesAloneThenUpdatesWithABackup() throws IOException {
    WriteResult created = writer.write(target, OLD, null, null, "0640", backups);
    assertThat(created.change()).isEqualTo(WriteResult.Change.CREATED);
    assertThat(created.backup()).isEmpty();
    assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
    assertThat(mode(target)).isEqualTo("rw-r-----");

    WriteResult same = writer.write(target, OLD, null, null, "0640", backups);
    assertThat(same.change()).isEqualTo(WriteResult.Change.UNCHANGED);
    assertThat(same.changed()).isFalse();

    WriteResult updated = writer.write(target, NEW, null, null, "640", backups);
    assertThat(updated.change()).isEqualTo(WriteResult.Change.UPDATED);
    assertThat(updated.backup()).contains(backups.resolve("config.yml"));
    assertThat(Files.readAllBytes(backups.resolve("config.yml"))).isEqualTo(OLD);
    assertThat(mode(backups.resolve("config.yml"))).isEqualTo("rw-------");
    assertThat(mode(backups)).isEqualTo("rwx------");
    assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
    assertThat(names(etc)).containsExactly("config.yml");
    assertThat(updated)
        .hasToString("UPDATED (previous content saved to " + backups.resolve("config.yml") + ")");
  }

  @Test
  void fixesModeAndOwnershipInPlace() throws IOException {
    writer.write(target, OLD, null, null, "0644", backups);
    WriteResult fixed = writer.write(target, OLD, null, null, "0600", backups);
    assertThat(fixed.change()).isEqualTo(WriteResult.Change.METADATA_FIXED);
    assertThat(fixed.backup()).isEmpty();
    assertThat(mode(target)).isEqualTo("rw-------");
    assumeThat(isRoot()).as("chown needs root").isTrue();
    Files.setAttribute(target, "unix:uid", 1000);
    Files.setAttribute(target, "unix:gid", 1000);
    assertThat(writer.plan(target, OLD, "root", "root", "0600"))
        .isEqualTo(WriteResult.Change.METADATA_FIXED);
    assertThat(writer.write(target, OLD, "root", "root", "0600", backups).change())
        .isEqualTo(WriteResult.Change.METADATA_FIXED);
    assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(0);
    assertThat(Files.getAttribute(target, "unix:gid")).isEqualTo(0);
    assertThat(writer.write(target, OLD, "root", "root", "0600", backups).changed()).isFalse();
  }

  @Test
  void setsOwnerAndGroupByNameOnNewContent() throws IOException {
    assumeThat(isRoot()).as("chown needs root").isTrue();
    writer.write(target, OLD, "daemon", "daemon", "0640", backups);
    assertThat(Files.getOwner(target).getName()).isEqualTo("daemon");
    assertThat(Files.getAttribute(target, "posix:group").toString()).isEqualTo("daemon");
  }

  @Test
  void planChangesNothing() throws IOException {
    assertThat(writer.plan(target, OLD, null, null, "0640")).isEqualTo(WriteResult.Change.CREATED);
    assertThat(Files.exists(target)).isFalse();
    writer.write(target, OLD, null, null, "0640", backups);
    assertThat(writer.plan(target, NEW, null, null, "0640")).isEqualTo(WriteResult.Change.UPDATED);
    assertThat(writer.plan(target, OLD, null, null, "0600"))
        .isEqualTo(WriteResult.Change.METADATA_FIXED);
    assertThat(writer.plan(target, OLD, null, null, "0640"))
        .isEqualTo(WriteResult.Change.UNCHANGED);
    assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
    assertThat(names(backups)).isEmpty();
  }

  @Test
  void refusesClearly() throws IOException {
    Path missing = dir.resolve("opt/warehouse/etc/config.yml");
    assertThatThrownBy(() -> writer.write(missing, NEW, null, null, "0640", backups))
        .isInstanceOf(FileWriteException.class)
        .hasMessage(
            "cannot write " + missing + ": directory " + missing.getParent() + " does not exist");
    assertThat(Files.exists(missing.getParent())).isFalse();
    assertThatThrownBy(() -> writer.write(target, NEW, "no-such-user-x", null, "0640", backups))
        .hasMessage("cannot write " + target + ": unknown user 'no-such-user-x'");
    assertThatThrownBy(() -> writer.write(target, NEW, null, "no-such-group-x", "0640", backups))
        .hasMessage("cannot write " + target + ": unknown group 'no-such-group-x'");
    for (String bad : new String[] {"4755", "0888", "rw", "", "01777"}) {
      assertThatThrownBy(() -> writer.write(target, NEW, null, null, bad, backups))
          .hasMessageStartingWith("invalid file mode '" + bad + "'");
    }
    Path real = Files.write(etc.resolve("real.yml"), OLD);
    Files.createSymbolicLink(target, real);
    assertThatThrownBy(() -> writer.write(target, NEW, null, null, "0640", backups))
        .hasMessage("cannot write " + target + ": it is a symbolic link; refusing to replace it");
    assertThat(Files.readAllBytes(real)).isEqualTo(OLD);
    Files.delete(target);
    Files.createDirectory(target);
    assertThatThrownBy(() -> writer.write(target, NEW, null, null, "0640", backups))
        .hasMessage("cannot write " + target + ": it is not a regular file");
  }

  @Test
  void aRestoreNeedsNoBackupDirectory() throws IOException {
    Files.write(target, NEW);
    // A state_dir that cannot be written (here: its backups path lies under a regular file).
    Path blocked = Files.write(dir.resolve("not-a-dir"), OLD).resolve("backups");
    AtomicFileWriter writer = new AtomicFileWriter();

    assertThatThrownBy(() -> writer.write(target, OLD, null, null, "0640", blocked))
        .hasMessageContaining("cannot create backup directory");
    writer.restore(target, OLD, null, null, "0640");

    assertThat(Files.readAllBytes(target)).isEqualTo(OLD);
  }

  @Test
  void aFailureAtAnyStepLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    FaultyFileOperations clean = new FaultyFileOperations(-1, s -> {});
    Files.write(target, OLD);
    new AtomicFileWriter(clean).write(target, NEW, null, null, "0640", backups);
    List<String> steps = clean.steps;
    assertThat(steps)
        .containsExactly(
            "create " + steps.get(0).substring(7),
            "write",
            "sync",
            "chown",
            "chmod",
            "rename to config.yml",
            "syncdir backup",
            "create " + steps.get(7).substring(7),
            "write",
            "sync",
            "chown",
            "chmod",
            "rename to config.yml",
            "syncdir etc");
    int renameOfTarget = steps.lastIndexOf("rename to config.yml") + 1;

    for (int failAt = 1; failAt <= steps.size(); failAt++) {
      Path root = Files.createDirectories(dir.resolve("run" + failAt));
      Path etcDir = Files.createDirectory(root.resolve("etc"));
      Path file = Files.write(etcDir.resolve("config.yml"), OLD);
      Path backupDir = root.resolve("backup");
      List<String> seen = new ArrayList<>();
      FaultyFileOperations ops =
          new FaultyFileOperations(
              failAt,
              step -> {
                // A crash here would leave exactly what is on disk now: it must be old or new.
                byte[] now = Files.readAllBytes(file);
                assertThat(now).as("before %s", step).isIn(OLD, NEW);
                if (seen.size() < renameOfTarget) {
                  assertThat(now).as("before %s", step).isEqualTo(OLD);
                }
                seen.add(step);
              });
      int k = failAt;
      assertThatThrownBy(
              () -> new AtomicFileWriter(ops).write(file, NEW, null, null, "0640", backupDir))
          .isInstanceOf(FileWriteException.class)
          .satisfies(
              e -> {
                assertThat(e.getMessage())
                    .contains(file.toString(), "No space left on device")
                    .doesNotContain("\n");
                if (k <= renameOfTarget) {
                  assertThat(Files.readAllBytes(file)).as("step %d", k).isEqualTo(OLD);
                } else {
                  assertThat(Files.readAllBytes(file)).as("step %d", k).isEqualTo(NEW);
                  assertThat(e.getMessage())
                      .startsWith("wrote " + file + " but syncing its directory failed");
                }
              });
      assertThat(names(etcDir))
          .as("step %d leaves no temporary file", k)
          .containsExactly("config.yml");
      assertThat(names(backupDir)).as("step %d", k).isSubsetOf("config.yml");
      assertThat(mode(file)).isIn("rw-r--r--", "rw-r-----");
    }
    System.out.println(
        "AtomicFileWriter: failed each of " + steps.size() + " steps: old or new, never a mix");
  }

  @Test
  void staleTemporaryFilesOfACrashedRunAreRemoved() throws IOException {
    Files.write(target, OLD);
    Path stale =
        Files.write(
            etc.resolve(".config.yml.agent-tmp-0123456789abcdef"),
            "half".getBytes(StandardCharsets.UTF_8));
    Path other = Files.write(etc.resolve(".other.yml.agent-tmp-1"), OLD);
    writer.write(target, NEW, null, null, "0640", backups);
    assertThat(stale).doesNotExist();
    assertThat(other).exists();
  }

  @Test
  void aKilledWriterLeavesOldOrNew() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("java.class.path");
    int steps = 14;
    for (int haltAt = 1; haltAt <= steps + 1; haltAt++) {
      Path root = Files.createDirectories(dir.resolve("kill" + haltAt));
      Path file = Files.write(root.resolve("config.yml"), OLD);
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  classpath,
                  CrashingWrite.class.getName(),
                  file.toString(),
                  new String(NEW, StandardCharsets.UTF_8),
                  Integer.toString(haltAt))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as("halt at %d: %s", haltAt, out)
          .isEqualTo(haltAt <= steps ? 137 : 0);
      byte[] now = Files.readAllBytes(file);
      assertThat(now).as("killed before step %d", haltAt).isIn(OLD, NEW);
      if (haltAt <= 13) {
        assertThat(now).as("killed before step %d", haltAt).isEqualTo(OLD);
      }
      // The next run cleans up whatever the killed one left.
      new AtomicFileWriter().write(file, NEW, null, null, "0640", root.resolve("backup"));
      assertThat(names(root)).containsExactly("backup", "config.yml");
      assertThat(Files.readAllBytes(file)).isEqualTo(NEW);
    }
    System.out.println(
        "AtomicFileWriter: killed a child JVM before each of "
            + steps
            + " steps: old or new every time");
  }
}
