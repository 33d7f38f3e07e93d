package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.state.StateFiles;

/** Remembers, per repository, what its last successful refresh saw (state_dir/repositories/). */
public final class ProbeCache {
  private final Path dir;

  public ProbeCache(Path stateDir) {
    this.dir = stateDir.resolve("repositories");
  }

  public Optional<ProbeState> load(String repository) {
    try {
      Map<String, Object> m =
          JsonTree.readObject(Files.readAllBytes(file(repository)), "probe cache");
      return Optional.of(
          new ProbeState(
              JsonTree.string(m, "uri"),
              JsonTree.string(m, "etag"),
              JsonTree.string(m, "lastModified"),
              JsonTree.string(m, "sha256"),
              JsonTree.instant(m, "refreshedAt"),
              JsonTree.instant(m, "date"),
              JsonTree.instant(m, "validUntil")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // A damaged cache only costs one apt-get update; never a reason to fail the run.
      return Optional.empty();
    }
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
    StateFiles.writeAtomically(file(repository), JsonTree.write(m));
  }

  /** Forgets everything, so the next run refreshes: after a failed update or a changed list. */
  public void invalidate(String repository) throws IOException {
    Files.deleteIfExists(file(repository));
  }

  private Path file(String repository) {
    return dir.resolve(repository + ".json");
  }
}
