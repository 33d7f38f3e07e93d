package org.warehouse.agent.launch;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per event. Under systemd (JOURNAL_STREAM set) each line starts with a {@code <N>} syslog
 * priority, which journald turns into the entry's level, and carries no timestamp of its own; on a
 * terminal it starts with a UTC timestamp and the level name.
 */
public final class JournalFormatter extends Formatter {
  private final boolean journal;

  public JournalFormatter(boolean journal) {
    this.journal = journal;
  }

  /** The format for this process: the journal's when systemd set JOURNAL_STREAM. */
  public static JournalFormatter forThisProcess() {
    return new JournalFormatter(System.getenv("JOURNAL_STREAM") != null);
  }

  /** The lowest level logged: FINE with --verbose, else INFO. */
  public static Level threshold(boolean verbose) {
    return verbose ? Level.FINE : Level.INFO;
  }

  @Override
  public String format(LogRecord r) {
    String message = formatMessage(r).replace('\n', ' ');
    if (r.getThrown() != null && r.getLevel().intValue() <= Level.FINE.intValue()) {
      StringWriter sw = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(sw));
      message = message + " " + sw.toString().replace('\n', ' ');
    } else if (r.getThrown() != null) {
      message = message + ": " + r.getThrown();
    }
    if (journal) {
      return "<" + priority(r.getLevel()) + ">" + message + "\n";
    }
    return Instant.ofEpochMilli(r.getMillis()) + " " + label(r.getLevel()) + " " + message + "\n";
  }

  static int priority(Level l) {
    int v = l.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return 3;
    }
    if (v >= Level.WARNING.intValue()) {
      return 4;
    }
    if (v >= Level.INFO.intValue()) {
      return 6;
    }
    return 7;
  }

  private static String label(Level l) {
    return switch (priority(l)) {
      case 3 -> "ERROR";
      case 4 -> "WARN";
      case 6 -> "INFO";
      default -> "DEBUG";
    };
  }
}
