package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.warehouse.agent.state.StateFiles;
import org.warehouse.agent.version.DebianVersion;

/**
 * The .deb files a rollback can reinstall when the repository no longer offers a version: apt's own
 * cache (/var/cache/apt/archives) and the agent's copies in state_dir/packages, which it keeps of
 * every version it installs and of the version it upgrades from.
 *
 * <p>A file is only ever handed to dpkg after checks: a regular file (no symlink) directly in one
 * of those two directories, neither of them nor the file writable by group or others, named as apt
 * names archives, and whose control file (per dpkg-deb) names the package and version asked for.
 */
public final class KeptPackages {
  /** apt's archive cache; apt-get keeps what it downloads there. */
  public static final Path APT_ARCHIVES = Path.of("/var/cache/apt/archives");

  private static final Pattern DEB_NAME =
      Pattern.compile("[a-z0-9][a-z0-9+.-]+_[A-Za-z0-9.+~%-]+_[a-z0-9-]+\\.deb");
  private final Path keptDir;
  private final Path archives;
  private final Dpkg dpkg;
  private final AptGet apt;

  /**
   * @param keptDir the agent's copies (state_dir/packages), created owner-only when needed
   * @param archives apt's archive cache, normally {@link #APT_ARCHIVES}
   */
  public KeptPackages(Path keptDir, Path archives, Dpkg dpkg, AptGet apt) {
    this.keptDir = keptDir.toAbsolutePath().normalize();
    this.archives = archives.toAbsolutePath().normalize();
    this.dpkg = dpkg;
    this.apt = apt;
  }

  public Path keptDir() {
    return keptDir;
  }

  public Path archives() {
    return archives;
  }

  /** A validated .deb of {@code name=version}: apt's cache first, then the agent's copy. */
  public Optional<Path> find(String name, String version)
      throws AptException, InterruptedException {
    Optional<Path> cached = findIn(archives, name, version);
    return cached.isPresent() ? cached : findIn(keptDir, name, version);
  }

  /**
   * Makes sure the agent keeps a copy of {@code name=version}: already kept, else copied from apt's
   * cache, else (when {@code inRepository}) downloaded from the repository.
   *
   * @return the kept copy
   * @throws AptException saying why no copy could be kept
   */
  public Path keep(String name, String version, boolean inRepository)
      throws AptException, InterruptedException {
    Optional<Path> kept = findIn(keptDir, name, version);
    if (kept.isPresent()) {
      return kept.get();
    }
    ensureKeptDir();
    Optional<Path> cached = findIn(archives, name, version);
    if (cached.isPresent()) {
      return copyIn(cached.get());
    }
    if (!inRepository) {
      throw new AptException(
          "no .deb of "
              + name
              + " "
              + version
              + " in "
              + archives
              + " and the repository no longer has it");
    }
    Path download = keptDir.resolve(".download");
    try {
      StateFiles.ensureDir(download);
      StateFiles.ensureDir(download.resolve("partial"));
    } catch (IOException e) {
      throw new AptException("cannot create " + download + ": " + e.getMessage(), e);
    }
    try {
      apt.download(name, version, download);
      Path got =
          findIn(download, name, version)
              .orElseThrow(
                  () ->
                      new AptException(
                          "apt-get downloaded no .deb of "
                              + name
                              + " "
                              + version
                              + " to "
                              + download));
      return copyIn(got);
    } finally {
      clean(download);
    }
  }

  /** Deletes the agent's copies of {@code name} whose version is not in {@code versions}. */
  public void prune(String name, Collection<String> versions) throws AptException {
    if (!Files.isDirectory(keptDir)) {
      return;
    }
    List<DebianVersion> keep = versions.stream().map(DebianVersion::parse).toList();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(keptDir, name + "_*.deb")) {
      for (Path p : ds) {
        String[] parts = p.getFileName().toString().split("_", -1);
        if (parts.length != 3 || !parts[0].equals(name)) {
          continue;
        }
        DebianVersion v;
        try {
          v = DebianVersion.parse(unquote(parts[1]));
        } catch (RuntimeException e) {
          v = null;
        }
        if (v == null || !keep.contains(v)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new AptException("cannot prune " + keptDir + ": " + e.getMessage(), e);
    }
  }

  /** apt's archive file name prefix for {@code name=version}: an epoch's colon becomes %3a. */
  static String prefix(String name, String version) {
    return name + "_" + version.replace(":", "%3a") + "_";
  }

  private static String unquote(String quoted) {
    return quoted.replace("%3a", ":").replace("%3A", ":");
  }

  private Optional<Path> findIn(Path dir, String name, String version)
      throws AptException, InterruptedException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.deb")) {
      for (Path p : ds) {
        if (p.getFileName().toString().startsWith(prefix(name, version))) {
          candidates.add(p);
        }
      }
    } catch (IOException e) {
      throw new AptException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    candidates.sort(null);
    for (Path p : candidates) {
      if (valid(dir, p, name, version)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private boolean valid(Path dir, Path file, String name, String version)
      throws AptException, InterruptedException {
    Path normal = file.toAbsolutePath().normalize();
    if (!dir.equals(normal.getParent())
        || !DEB_NAME.matcher(normal.getFileName().toString()).matches()) {
      return false;
    }
    try {
      if (writableByOthers(dir) || writableByOthers(normal)) {
        return false;
      }
      PosixFileAttributes a =
          Files.readAttributes(normal, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    Dpkg.DebInfo info;
    try {
      info = dpkg.inspect(normal);
    } catch (AptException e) {
      return false; // a truncated or foreign file: not a candidate
    }
    return info.name().equals(name)
        && DebianVersion.parse(info.version()).equals(DebianVersion.parse(version));
  }

  private static boolean writableByOthers(Path p) throws IOException {
    var perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    return perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private void ensureKeptDir() throws AptException {
    try {
      StateFiles.ensureDir(keptDir);
    } catch (IOException e) {
      throw new AptException("cannot create " + keptDir + ": " + e.getMessage(), e);
    }
  }

  private Path copyIn(Path source) throws AptException {
    Path target = keptDir.resolve(source.getFileName());
    try {
      Path tmp = Files.createTempFile(keptDir, ".copy-", ".tmp");
      try {
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return target;
    } catch (IOException e) {
      throw new AptException(
          "cannot keep a copy of " + source + " in " + keptDir + ": " + e.getMessage(), e);
    }
  }

  private static void clean(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a leftover download directory is cleaned next time; it never holds a candidate for long
    }
  }
}
