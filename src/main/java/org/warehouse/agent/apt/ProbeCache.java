package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.warehouse.agent.state.Json;
import org.warehouse.agent.state.StateFiles;

/** Remembers, per repository, what its last successful refresh saw (state_dir/repositories/). */
public final class ProbeCache {
  private final Path dir;

  public ProbeCache(Path stateDir) {
    this.dir = stateDir.resolve("repositories");
  }

  public Optional<ProbeState> load(String repository) {
    try {
      return Optional.of(
          Json.mapper().readValue(Files.readAllBytes(file(repository)), ProbeState.class));
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
    StateFiles.writeAtomically(file(repository), Json.mapper().writeValueAsBytes(state));
  }

  /** Forgets everything, so the next run refreshes: after a failed update or a changed list. */
  public void invalidate(String repository) throws IOException {
    Files.deleteIfExists(file(repository));
  }

  private Path file(String repository) {
    return dir.resolve(repository + ".json");
  }
}
