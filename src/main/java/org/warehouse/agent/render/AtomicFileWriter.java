package org.warehouse.agent.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a config file atomically, and only when needed.
 *
 * <p>When the bytes differ: the previous content is first saved to {@code backupDir/NAME} (itself
 * written atomically, mode 0600); then the new content goes to a temporary file beside the target
 * ({@code .NAME.agent-tmp-RANDOM}, created with {@code O_EXCL} and mode 0600), is written and
 * {@code fsync}ed, given its owner, group and mode, renamed over the target, and the directory is
 * {@code fsync}ed. A reader sees the old file or the new one, never a mix. On any failure before
 * the rename the old file is untouched and the temporary file removed; leftovers of a crashed run
 * are removed by the next write. When only owner, group or mode differ they are fixed in place.
 *
 * <p>Refused with a {@link FileWriteException}: a target directory that does not exist (it is not
 * created), a target that is a symbolic link or not a regular file, an unknown user or group, a
 * mode beyond 0777.
 */
public final class AtomicFileWriter {
  private static final String TEMP_MARK = ".agent-tmp-";
  private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final FileOperations ops;
  private final SecureRandom random = new SecureRandom();

  /** A writer on the real filesystem. */
  public AtomicFileWriter() {
    this(FileOperations.SYSTEM);
  }

  AtomicFileWriter(FileOperations ops) {
    this.ops = ops;
  }

  /**
   * Makes {@code target} hold {@code content} with the given owner, group and mode.
   *
   * @param owner user name, or null to leave the owner as the file has it (a new file: this
   *     process's user)
   * @param group group name, or null likewise
   * @param mode octal permission bits, {@code "0640"} or {@code "640"}
   * @param backupDir where the previous content is saved (created with mode 0700 if missing); use
   *     one directory per target when targets may share a file name
   * @throws FileWriteException with a one-line message naming the path and the cause
   */
  public WriteResult write(
      Path target, byte[] content, String owner, String group, String mode, Path backupDir) {
    return write(target, content, owner, group, mode, backupDir, true);
  }

  /**
   * Writes {@code content} as {@link #write} does, without saving what it replaces: for putting
   * back a previous content during a rollback, which must not depend on a state directory that may
   * be full or read-only by then (the content replaced is the failed one).
   */
  public WriteResult restore(Path target, byte[] content, String owner, String group, String mode) {
    return write(target, content, owner, group, mode, null, false);
  }

  private WriteResult write(
      Path target,
      byte[] content,
      String owner,
      String group,
      String mode,
      Path backupDir,
      boolean keepPrevious) {
    Path file = target.toAbsolutePath().normalize();
    Set<PosixFilePermission> perms = parseMode(mode);
    Path dir = directoryOf(file);
    UserPrincipal user = user(file, owner);
    GroupPrincipal grp = group(file, group);
    PosixFileAttributes attrs = existing(file);
    byte[] old = null;
    if (attrs != null) {
      old = read(file);
      if (Arrays.equals(old, content)) {
        if (metadataMatches(attrs, user, grp, perms)) {
          return new WriteResult(WriteResult.Change.UNCHANGED, null);
        }
        try {
          ops.chown(file, user, grp);
          ops.chmod(file, perms);
        } catch (IOException e) {
          throw new FileWriteException(
              "cannot set owner, group or mode of " + file + ": " + reason(e), e);
        }
        return new WriteResult(WriteResult.Change.METADATA_FIXED, null);
      }
    }
    removeStaleTemporaries(dir, file);
    Path backup = null;
    if (old != null && keepPrevious) {
      backup = backup(file, old, backupDir);
    }
    replace(file, dir, content, user, grp, perms);
    return new WriteResult(
        old == null ? WriteResult.Change.CREATED : WriteResult.Change.UPDATED, backup);
  }

  /**
   * What {@link #write} would do, without changing anything: for {@code --why-run}.
   *
   * @throws FileWriteException for what {@link #write} would refuse
   */
  public WriteResult.Change plan(
      Path target, byte[] content, String owner, String group, String mode) {
    Path file = target.toAbsolutePath().normalize();
    Set<PosixFilePermission> perms = parseMode(mode);
    directoryOf(file);
    UserPrincipal user = user(file, owner);
    GroupPrincipal grp = group(file, group);
    PosixFileAttributes attrs = existing(file);
    if (attrs == null) {
      return WriteResult.Change.CREATED;
    } else if (!Arrays.equals(read(file), content)) {
      return WriteResult.Change.UPDATED;
    }
    return metadataMatches(attrs, user, grp, perms)
        ? WriteResult.Change.UNCHANGED
        : WriteResult.Change.METADATA_FIXED;
  }

  /** Permission bits from {@code "0640"} or {@code "640"}. */
  public static Set<PosixFilePermission> parseMode(String mode) {
    if (mode == null || !MODE.matcher(mode).matches()) {
      throw new FileWriteException(
          "invalid file mode '" + mode + "': expected octal permission bits such as 0640");
    }
    int bits = Integer.parseInt(mode, 8);
    StringBuilder rwx = new StringBuilder();
    for (int shift = 6; shift >= 0; shift -= 3) {
      int b = (bits >> shift) & 7;
      rwx.append((b & 4) != 0 ? 'r' : '-')
          .append((b & 2) != 0 ? 'w' : '-')
          .append((b & 1) != 0 ? 'x' : '-');
    }
    return PosixFilePermissions.fromString(rwx.toString());
  }

  private static Path directoryOf(Path file) {
    Path dir = file.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new FileWriteException(
          "cannot write " + file + ": directory " + dir + " does not exist");
    }
    return dir;
  }

  private static UserPrincipal user(Path file, String name) {
    if (name == null) {
      return null;
    }
    try {
      return lookup(file).lookupPrincipalByName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new FileWriteException("cannot write " + file + ": unknown user '" + name + "'", e);
    } catch (IOException e) {
      throw new FileWriteException(
          "cannot write " + file + ": cannot look up user '" + name + "': " + reason(e), e);
    }
  }

  private static GroupPrincipal group(Path file, String name) {
    if (name == null) {
      return null;
    }
    try {
      return lookup(file).lookupPrincipalByGroupName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new FileWriteException("cannot write " + file + ": unknown group '" + name + "'", e);
    } catch (IOException e) {
      throw new FileWriteException(
          "cannot write " + file + ": cannot look up group '" + name + "': " + reason(e), e);
    }
  }

  private static UserPrincipalLookupService lookup(Path file) {
    return file.getFileSystem().getUserPrincipalLookupService();
  }

  private static PosixFileAttributes existing(Path file) {
    try {
      PosixFileAttributes attrs =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink()) {
        throw new FileWriteException(
            "cannot write " + file + ": it is a symbolic link; refusing to replace it");
      } else if (!attrs.isRegularFile()) {
        throw new FileWriteException("cannot write " + file + ": it is not a regular file");
      }
      return attrs;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new FileWriteException("cannot write " + file + ": " + reason(e), e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new FileWriteException("cannot read " + file + ": " + reason(e), e);
    }
  }

  private static boolean metadataMatches(
      PosixFileAttributes attrs,
      UserPrincipal user,
      GroupPrincipal group,
      Set<PosixFilePermission> perms) {
    return (user == null || user.equals(attrs.owner()))
        && (group == null || group.equals(attrs.group()))
        && perms.equals(attrs.permissions());
  }

  private Path backup(Path file, byte[] old, Path backupDir) {
    if (backupDir == null) {
      throw new FileWriteException("cannot write " + file + ": no backup directory given");
    }
    Path dir = backupDir.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new FileWriteException(
          "cannot write " + file + ": cannot create backup directory " + dir + ": " + reason(e), e);
    }
    Path backup = dir.resolve(file.getFileName());
    removeStaleTemporaries(dir, backup);
    try {
      replace(backup, dir, old, null, null, OWNER_ONLY);
    } catch (FileWriteException e) {
      throw new FileWriteException(
          "cannot write " + file + ": saving the previous content failed: " + e.getMessage(), e);
    }
    return backup;
  }

  /** Temp file, write, fsync, chown, chmod, rename over {@code file}, fsync the directory. */
  private void replace(
      Path file,
      Path dir,
      byte[] content,
      UserPrincipal user,
      GroupPrincipal group,
      Set<PosixFilePermission> perms) {
    Path temp =
        dir.resolve(
            "." + file.getFileName() + TEMP_MARK + HexFormat.of().toHexDigits(random.nextLong()));
    String step = "creating the temporary file " + temp;
    boolean created = false;
    try {
      try (FileChannel ch = ops.createExclusive(temp, OWNER_ONLY)) {
        created = true;
        step = "writing " + temp;
        ops.write(ch, ByteBuffer.wrap(content));
        step = "syncing " + temp;
        ops.sync(ch);
      }
      step = "setting the owner and group of " + temp;
      ops.chown(temp, user, group);
      step = "setting the mode of " + temp;
      ops.chmod(temp, perms);
      step = "renaming " + temp + " over it";
      ops.rename(temp, file);
    } catch (IOException | RuntimeException e) {
      if (created) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new FileWriteException(
          "cannot write " + file + ": " + reason(e) + " (while " + step + ")", e);
    }
    try {
      ops.syncDirectory(dir);
    } catch (IOException e) {
      throw new FileWriteException(
          "wrote "
              + file
              + " but syncing its directory failed: "
              + reason(e)
              + " (the new content may not survive a crash)",
          e);
    }
  }

  /** Removes temporary files a crashed write left beside {@code file}. */
  private static void removeStaleTemporaries(Path dir, Path file) {
    String prefix = "." + file.getFileName() + TEMP_MARK;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (p.getFileName().toString().startsWith(prefix)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new FileWriteException(
          "cannot write " + file + ": cannot clean stale temporary files: " + reason(e), e);
    }
  }

  private static String reason(Throwable e) {
    String r = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (r == null && e instanceof java.nio.file.AccessDeniedException) {
      r = "permission denied";
    } else if (r == null && e instanceof NoSuchFileException) {
      r = "no such file or directory";
    } else if (r == null) {
      r = e.getClass().getSimpleName();
    }
    return r.replaceAll("\\s*\\R\\s*", " ");
  }
}
