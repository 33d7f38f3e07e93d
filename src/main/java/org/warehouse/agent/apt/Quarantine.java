package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.state.DamagedState;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.state.StateFiles;
import org.warehouse.agent.version.DebianVersion;
import org.warehouse.agent.version.InvalidVersionException;

/**
 * Package versions that failed their services' checks and were rolled back: later runs do not
 * install them again until an operator clears them or a newer version installs. Kept in
 * state_dir/quarantine.json, which {@code agent status} and {@code agent quarantine} read:
 *
 * <pre>{@code
 * {"quarantined": [{"package": "warehouse", "version": "18.09.02",
 *                   "reason": "warehouse-web.service failed health check ...",
 *                   "time": "2018-09-14T10:00:00Z"}]}
 * }</pre>
 */
public final class Quarantine {
  /** The file name under the state directory. */
  public static final String FILE = "quarantine.json";

  /** One quarantined version. */
  public record Entry(String packageName, String version, String reason, Instant time) {
    boolean is(String name, String v) {
      return packageName.equals(name) && sameVersion(version, v);
    }
  }

  private final Path stateDir;
  private final Clock clock;

  public Quarantine(Path stateDir, Clock clock) {
    this.stateDir = stateDir;
    this.clock = clock;
  }

  public Path file() {
    return stateDir.resolve(FILE);
  }

  /**
   * Every entry, oldest first; none when the file does not exist.
   *
   * @throws IOException when the file cannot be read or is not what this class writes: never
   *     treated as empty, or a damaged file would let a bad version back in
   */
  public List<Entry> list() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file());
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new IOException(file() + " is unreadable (" + e + "), so installs wait", e);
    }
    List<Entry> out = new ArrayList<>();
    try {
      Object root = JsonTree.read(bytes);
      if (!(root instanceof Map<?, ?> m) || !(m.get("quarantined") instanceof List<?> list)) {
        throw new IOException("no \"quarantined\" list");
      }
      for (Object item : list) {
        Map<String, Object> n =
            item instanceof Map<?, ?> ? JsonTree.object(item, "an entry") : Map.of();
        String name = text(n, "package");
        String version = text(n, "version");
        DebianVersion.parse(version);
        Object reason = n.get("reason");
        out.add(
            new Entry(
                name,
                version,
                reason == null ? "" : reason.toString(),
                Instant.parse(text(n, "time"))));
      }
    } catch (IOException | InvalidVersionException | DateTimeParseException e) {
      // Failing closed: an entry that cannot be read may be the version that broke the services.
      throw new IOException(
          file()
              + " is damaged ("
              + DamagedState.problem(e)
              + "), so installs wait; repair or remove it",
          e);
    }
    return out;
  }

  /** The entry for {@code name} at {@code version} (compared as Debian versions), if any. */
  public Optional<Entry> find(String name, String version) throws IOException {
    return list().stream().filter(e -> e.is(name, version)).findFirst();
  }

  /** Quarantines {@code name} {@code version} now, replacing an entry for the same version. */
  public Entry add(String name, String version, String reason) throws IOException {
    List<Entry> entries = new ArrayList<>(list());
    entries.removeIf(e -> e.is(name, version));
    Entry added = new Entry(name, version, reason, clock.instant());
    entries.add(added);
    save(entries);
    return added;
  }

  /** Removes the entry for {@code name} {@code version}; false when there was none. */
  public boolean clear(String name, String version) throws IOException {
    List<Entry> entries = new ArrayList<>(list());
    if (!entries.removeIf(e -> e.is(name, version))) {
      return false;
    }
    save(entries);
    return true;
  }

  /** Removes the entries of {@code name} older than {@code version}: they cannot come back. */
  public List<Entry> clearOlderThan(String name, String version) throws IOException {
    DebianVersion v = DebianVersion.parse(version);
    List<Entry> entries = new ArrayList<>(list());
    List<Entry> removed =
        entries.stream()
            .filter(
                e ->
                    e.packageName().equals(name)
                        && DebianVersion.parse(e.version()).compareTo(v) < 0)
            .toList();
    if (!removed.isEmpty()) {
      entries.removeAll(removed);
      save(entries);
    }
    return removed;
  }

  private void save(List<Entry> entries) throws IOException {
    List<Object> list = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("package", e.packageName());
      n.put("version", e.version());
      n.put("reason", e.reason());
      n.put("time", e.time().toString());
      list.add(n);
    }
    StateFiles.ensureDir(stateDir);
    StateFiles.writeAtomically(file(), JsonTree.write(Map.of("quarantined", list)));
  }

  private static String text(Map<String, Object> n, String field) throws IOException {
    if (!(n.get(field) instanceof String v) || v.isEmpty()) {
      throw new IOException("an entry has no \"" + field + "\"");
    }
    return v;
  }

  private static boolean sameVersion(String a, String b) {
    return DebianVersion.parse(a).equals(DebianVersion.parse(b));
  }
}
