package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.RunHistory;
import org.warehouse.agent.converge.RunReport;

/**
 * What the run history tells a daemon at start: the last run and the newest successful one, so the
 * metrics of the last run and the last success survive a restart.
 */
final class HistoryScan {
  private static final Logger LOG = Logger.getLogger("daemon");

  private HistoryScan() {}

  /** The newest report, if any can be read. */
  static Optional<RunReport> lastRun(Settings s) {
    try {
      return new RunHistory(s.stateDir(), s.historyLimit()).last();
    } catch (IOException e) {
      LOG.warning("cannot read the last run: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** When the newest successful run (not a why-run) ended. */
  static Optional<Instant> lastSuccess(Settings s) {
    RunHistory history = new RunHistory(s.stateDir(), s.historyLimit());
    try {
      List<Path> files = history.listHistory();
      for (int i = files.size() - 1; i >= 0; i--) {
        try {
          RunReport r = RunHistory.read(files.get(i));
          if (!r.failed() && !r.whyRun()) {
            return Optional.of(r.end());
          }
        } catch (IOException e) {
          // one unreadable report does not hide the older ones
        }
      }
    } catch (IOException e) {
      LOG.warning("cannot read the run history: " + e.getMessage());
    }
    return Optional.empty();
  }
}
