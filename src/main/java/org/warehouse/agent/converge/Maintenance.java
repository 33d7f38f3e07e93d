package org.warehouse.agent.converge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.state.DamagedState;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.state.StateFiles;

/**
 * The maintenance switch ({@code agent disable --reason}, {@code agent enable}): one owner-only
 * file in the state directory, so that the CLI, the daemon and a restarted daemon all see the same
 * answer, and the reason survives a reboot.
 */
public final class Maintenance {
  /** The file, in the state directory. */
  public static final String FILE = "disabled.json";

  /**
   * Why and since when converges are disabled.
   *
   * @param reason the operator's words
   * @param by who disabled it (the login behind sudo, where known)
   * @param since when
   */
  public record Disabled(String reason, String by, Instant since) {
    /** One line for logs and refusals. */
    public String describe() {
      return "disabled by " + by + " since " + since + ": " + reason;
    }
  }

  private final Path file;

  public Maintenance(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  public Path file() {
    return file;
  }

  /**
   * Whether converges are disabled now.
   *
   * @throws IOException naming the file when it exists but cannot be read or is not a whole record;
   *     every caller treats that as disabled, since an operator asked for something there
   */
  public Optional<Disabled> current() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IOException(file + " is unreadable (" + e + "); 'agent enable' removes it", e);
    }
    try {
      Map<String, Object> m = JsonTree.readObject(bytes, "the record");
      String by = JsonTree.optionalText(m, "by");
      return Optional.of(
          new Disabled(
              JsonTree.requiredText(m, "reason"),
              by.isEmpty() ? "unknown" : by,
              JsonTree.requiredInstant(m, "since")));
    } catch (IOException e) {
      throw new IOException(
          file + " is unreadable (" + DamagedState.problem(e) + "); 'agent enable' removes it", e);
    }
  }

  /** Disables converges (replacing an earlier record) and returns the record written. */
  public Disabled disable(String reason, String by, Instant now) throws IOException {
    Disabled d = new Disabled(reason, by, now);
    StateFiles.ensureDir(file.getParent());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reason", d.reason());
    m.put("by", d.by());
    m.put("since", d.since());
    StateFiles.writeAtomically(file, JsonTree.write(m));
    return d;
  }

  /**
   * Enables converges again.
   *
   * @return the record removed, if converges were disabled; a record that could not be read is
   *     removed too, and reported as absent
   */
  public Optional<Disabled> enable() throws IOException {
    Optional<Disabled> was;
    try {
      was = current();
    } catch (IOException e) {
      was = Optional.empty();
    }
    Files.deleteIfExists(file);
    return was;
  }
}
