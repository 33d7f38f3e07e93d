package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The host's mount table (this process's mount namespace), read from /proc/self/mountinfo. */
public final class HostMounts {
  /** One mount: where it is and what filesystem type it has. */
  public record Mount(Path mountPoint, String fsType) {}

  private HostMounts() {}

  /** All mounts, in mountinfo order. */
  public static List<Mount> list() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Mount> mounts = new ArrayList<>();
    for (String line : lines) {
      // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"
      String[] fields = line.split(" ", -1);
      int separator = List.of(fields).indexOf("-");
      if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
        continue;
      }
      mounts.add(new Mount(Path.of(unescape(fields[4])), fields[separator + 1]));
    }
    return List.copyOf(mounts);
  }

  /** Mount points at or below {@code dir}, deepest first (the order to unmount them in). */
  public static List<Path> under(Path dir) {
    Path prefix = dir.toAbsolutePath().normalize();
    return list().stream()
        .map(Mount::mountPoint)
        .filter(point -> point.startsWith(prefix))
        .sorted((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()))
        .toList();
  }

  /**
   * Where to create the sandbox's cgroup: the cgroup2 hierarchy, at /sys/fs/cgroup/unified on a
   * hybrid host and /sys/fs/cgroup on a pure cgroup2 host.
   */
  static Optional<Path> cgroup2Root() {
    List<Path> roots =
        list().stream()
            .filter(mount -> mount.fsType().equals("cgroup2"))
            .map(Mount::mountPoint)
            .toList();
    for (Path candidate : List.of(Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup"))) {
      if (roots.contains(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
