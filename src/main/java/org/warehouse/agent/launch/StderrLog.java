package org.warehouse.agent.launch;

import java.io.PrintStream;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.warehouse.agent.converge.LoggingListener;

/**
 * Log lines of {@code converge --now} (run here or answered by the daemon), written to stderr in
 * the format the CLI gives java.util.logging's ({@link JournalFormatter}), without starting
 * java.util.logging, whose LogManager set-up is a noticeable share of such a short command.
 */
public final class StderrLog implements LoggingListener.Sink {
  private final PrintStream err;
  private final Level threshold;
  private final JournalFormatter formatter;

  public StderrLog(PrintStream err, boolean verbose, JournalFormatter formatter) {
    this.err = err;
    this.threshold = JournalFormatter.threshold(verbose);
    this.formatter = formatter;
  }

  /** To System.err, in the format java.util.logging is given for this process. */
  public static StderrLog forThisProcess(boolean verbose) {
    return new StderrLog(System.err, verbose, JournalFormatter.forThisProcess());
  }

  @Override
  public boolean isLoggable(Level level) {
    return level.intValue() >= threshold.intValue();
  }

  @Override
  public void log(Level level, String message) {
    err.print(formatter.format(new LogRecord(level, message)));
    err.flush();
  }
}
