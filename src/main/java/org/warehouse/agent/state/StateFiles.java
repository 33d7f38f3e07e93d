package org.warehouse.agent.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Owner-only, atomically replaced files in the state directory. */
public final class StateFiles {
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private StateFiles() {}

  /** Creates {@code dir} (and parents) owner-only if missing; tightens its mode if present. */
  public static Path ensureDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }
    Files.setPosixFilePermissions(dir, DIR_MODE);
    return dir;
  }

  /** Replaces {@code target} with {@code bytes}: temp file, fsync, rename, fsync the directory. */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    writeAtomically(target, bytes, FILE_MODE);
  }

  /** As {@link #writeAtomically(Path, byte[])}, with the given permissions. */
  public static void writeAtomically(Path target, byte[] bytes, Set<PosixFilePermission> mode)
      throws IOException {
    write(target, bytes, mode, true);
  }

  /**
   * Replaces {@code target} atomically for readers, owner-only, but without forcing it to disk: for
   * a cache, whose loss in a crash costs only asking again, written on a change's critical path.
   */
  public static void replaceCache(Path target, byte[] bytes) throws IOException {
    write(target, bytes, FILE_MODE, false);
  }

  private static void write(
      Path target, byte[] bytes, Set<PosixFilePermission> mode, boolean durable)
      throws IOException {
    Path dir = target.getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, mode);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        if (durable) {
          ch.force(true);
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      if (durable) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          d.force(true);
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
