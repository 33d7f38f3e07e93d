package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.warehouse.agent.state.StateFiles;

/** The agent's own apt source list: one file, one signed-by line per configured repository. */
public final class SourceList {
  private final Path file;
  private final List<AptRepository> repositories;

  public SourceList(Path file, List<AptRepository> repositories) {
    this.file = file;
    this.repositories = List.copyOf(repositories);
  }

  public Path file() {
    return file;
  }

  public List<AptRepository> repositories() {
    return repositories;
  }

  /** The file's desired content. */
  public String render() {
    StringBuilder sb =
        new StringBuilder(
            "# Managed by warehouse-agent from agent.yml; local changes are overwritten.\n");
    for (AptRepository r : repositories) {
      sb.append("# ").append(r.name()).append('\n').append(r.sourceLine()).append('\n');
    }
    return sb.toString();
  }

  /** The file's current content, or null when it does not exist. */
  public String current() throws AptException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new AptException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fails unless every repository's keyring exists (apt would otherwise refuse it later) and can be
   * pasted into its line as one option value: agent.yml's validation refuses the rest first; this
   * is the last guard before the file apt trusts.
   */
  public void checkKeyrings() throws AptException {
    for (AptRepository r : repositories) {
      if (!plainAbsolute(r.signedBy())) {
        throw new AptException(
            "repository " + r.name() + ": signed_by is not a plain absolute path: " + r.signedBy());
      }
      if (!Files.isReadable(r.signedBy())) {
        throw new AptException(
            "repository " + r.name() + ": signed_by keyring " + r.signedBy() + " does not exist");
      }
    }
  }

  // No space (another option: trusted=yes), comma (another keyring), bracket or '#'.
  private static boolean plainAbsolute(Path key) {
    String text = key.toString();
    if (!key.isAbsolute()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == ',' || c == '#') {
        return false;
      }
    }
    return true;
  }

  /** Writes the desired content atomically (0644: apt reads it unprivileged too). */
  public void write() throws AptException {
    try {
      Files.createDirectories(file.getParent());
      StateFiles.writeAtomically(
          file,
          render().getBytes(StandardCharsets.UTF_8),
          PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new AptException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
