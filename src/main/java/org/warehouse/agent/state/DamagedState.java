package org.warehouse.agent.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.logging.Logger;

/** The one warning for a state file the agent cannot use: which file, what is wrong, what now. */
public final class DamagedState {
  private DamagedState() {}

  /**
   * Logs {@code FILE is damaged (PROBLEM); INSTEAD} as a warning (stderr for the CLI, the journal
   * for the daemon) and returns the same text.
   */
  public static String warn(Path file, Throwable problem, String instead) {
    String message = file + " is damaged (" + problem(problem) + "); " + instead;
    // Looked up here, not held: a converge that finds its state sound never starts logging.
    Logger.getLogger(DamagedState.class.getName()).warning(message);
    return message;
  }

  /** The problem in a few words: Jackson's message without its source location. */
  public static String problem(Throwable t) {
    String m =
        t instanceof JsonProcessingException j && j.getOriginalMessage() != null
            ? j.getOriginalMessage()
            : t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int at = m.indexOf("\n at [Source");
    m = at >= 0 ? m.substring(0, at) : m;
    return m.replace('\n', ' ').strip();
  }
}
