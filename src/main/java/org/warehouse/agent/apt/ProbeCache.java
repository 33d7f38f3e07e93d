package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.state.DamagedState;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.state.StateFiles;

/** Remembers, per repository, what its last successful refresh saw (state_dir/repositories/). */
public final class ProbeCache {
  private final Path dir;

  public ProbeCache(Path stateDir) {
    this.dir = stateDir.resolve("repositories");
  }

  /** What the last refresh saw; none when never refreshed or the file is damaged (a warning). */
  public Optional<ProbeState> load(String repository) {
    Path file = file(repository);
    try {
      Map<String, Object> m = JsonTree.readObject(Files.readAllBytes(file), "probe cache");
      return Optional.of(
          new ProbeState(
              JsonTree.requiredText(m, "uri"),
              text(m, "etag"),
              text(m, "lastModified"),
              text(m, "sha256"),
              JsonTree.instant(m, "refreshedAt"),
              JsonTree.instant(m, "date"),
              JsonTree.instant(m, "validUntil")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // A damaged cache only costs one apt-get update; never a reason to fail the run.
      DamagedState.warn(file, e, "the repository is refreshed");
      return Optional.empty();
    }
  }

  // A text that may be absent (a server without ETag); another type is damage.
  private static String text(Map<String, Object> m, String key) throws IOException {
    return m.get(key) == null ? null : JsonTree.requiredText(m, key);
  }

  public void save(String repository, ProbeState state) throws IOException {
    StateFiles.ensureDir(dir.getParent());
    StateFiles.ensureDir(dir);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("uri", state.uri());
    m.put("etag", state.etag());
    m.put("lastModified", state.lastModified());
    m.put("sha256", state.sha256());
    m.put("refreshedAt", state.refreshedAt());
    m.put("date", state.date());
    m.put("validUntil", state.validUntil());
    StateFiles.replaceCache(file(repository), JsonTree.write(m));
  }

  /** Forgets everything, so the next run refreshes: after a failed update or a changed list. */
  public void invalidate(String repository) throws IOException {
    Files.deleteIfExists(file(repository));
  }

  private Path file(String repository) {
    return dir.resolve(repository + ".json");
  }
}
