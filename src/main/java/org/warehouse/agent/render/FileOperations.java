package org.warehouse.agent.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The filesystem steps of an atomic write, one method each, so that tests can fail or stop the
 * writer between any two of them.
 */
interface FileOperations {
  /** Creates {@code path}, which must not exist ({@code O_EXCL}), with {@code perms}. */
  FileChannel createExclusive(Path path, Set<PosixFilePermission> perms) throws IOException;

  /** Writes all of {@code data}. */
  void write(FileChannel channel, ByteBuffer data) throws IOException;

  /** {@code fsync}. */
  void sync(FileChannel channel) throws IOException;

  /** {@code chown}; a null principal is left as it is. */
  void chown(Path path, UserPrincipal owner, GroupPrincipal group) throws IOException;

  /** {@code chmod}. */
  void chmod(Path path, Set<PosixFilePermission> perms) throws IOException;

  /** {@code rename(2)}: replaces {@code to} atomically. */
  void rename(Path from, Path to) throws IOException;

  /** {@code fsync} of a directory, so that a rename in it is durable. */
  void syncDirectory(Path dir) throws IOException;

  /** The real filesystem. */
  FileOperations SYSTEM =
      new FileOperations() {
        @Override
        public FileChannel createExclusive(Path path, Set<PosixFilePermission> perms)
            throws IOException {
          return FileChannel.open(
              path,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(perms));
        }

        @Override
        public void write(FileChannel channel, ByteBuffer data) throws IOException {
          while (data.hasRemaining()) {
            channel.write(data);
          }
        }

        @Override
        public void sync(FileChannel channel) throws IOException {
          channel.force(true);
        }

        @Override
        public void chown(Path path, UserPrincipal owner, GroupPrincipal group) throws IOException {
          PosixFileAttributeView view =
              Files.getFileAttributeView(path, PosixFileAttributeView.class);
          if (owner != null) {
            view.setOwner(owner);
          }
          if (group != null) {
            view.setGroup(group);
          }
        }

        @Override
        public void chmod(Path path, Set<PosixFilePermission> perms) throws IOException {
          Files.setPosixFilePermissions(path, perms);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
          Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
          try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
          }
        }
      };
}
