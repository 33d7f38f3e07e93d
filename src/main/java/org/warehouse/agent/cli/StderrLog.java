package org.warehouse.agent.cli;

import java.io.PrintStream;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.warehouse.agent.converge.LoggingListener;

/**
 * Log lines of a thin client ({@code converge --now} answered by the daemon), written to stderr in
 * the format {@link Logging} gives java.util.logging's, without starting java.util.logging: its
 * LogManager was ~30 ms of such a client's 0.25 s.
 */
final class StderrLog implements LoggingListener.Sink {
  private final PrintStream err;
  private final Level threshold;
  private final JournalFormatter formatter;

  StderrLog(PrintStream err, boolean verbose, JournalFormatter formatter) {
    this.err = err;
    this.threshold = JournalFormatter.threshold(verbose);
    this.formatter = formatter;
  }

  /** To System.err, as {@link Logging#configure} would set it up for this process. */
  static StderrLog forThisProcess(boolean verbose) {
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
