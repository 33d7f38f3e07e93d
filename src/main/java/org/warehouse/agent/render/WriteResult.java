package org.warehouse.agent.render;

import java.nio.file.Path;
import java.util.Optional;

/** What {@link AtomicFileWriter} did to a file, and where it saved the previous content. */
public final class WriteResult {
  /** What changed. */
  public enum Change {
    /** Content, owner, group and mode were already right. */
    UNCHANGED,
    /** The file did not exist and was written. */
    CREATED,
    /** The content differed and was replaced. */
    UPDATED,
    /** Only owner, group or mode differed and were fixed in place. */
    METADATA_FIXED
  }

  private final Change change;
  private final Path backup;

  WriteResult(Change change, Path backup) {
    this.change = change;
    this.backup = backup;
  }

  public Change change() {
    return change;
  }

  /** Whether anything on disk changed. */
  public boolean changed() {
    return change != Change.UNCHANGED;
  }

  /** The copy of the previous content, for rollback; empty unless the content was replaced. */
  public Optional<Path> backup() {
    return Optional.ofNullable(backup);
  }

  @Override
  public String toString() {
    return change + (backup == null ? "" : " (previous content saved to " + backup + ")");
  }
}
