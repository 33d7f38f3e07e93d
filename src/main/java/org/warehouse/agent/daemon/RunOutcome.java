package org.warehouse.agent.daemon;

import java.util.Optional;
import org.warehouse.agent.converge.RunReport;

/**
 * How a converge requested of the daemon ended: with a report, or with one of the errors the CLI
 * turns into its exit codes.
 *
 * @param report the run's report; null when the run did not happen or its inputs were invalid
 * @param error empty when the run happened, else why not
 * @param message the error, in words
 */
public record RunOutcome(RunReport report, Optional<RunError> error, String message) {
  static RunOutcome of(RunReport report) {
    return new RunOutcome(report, Optional.empty(), "");
  }

  static RunOutcome error(RunError kind, String message) {
    return new RunOutcome(null, Optional.of(kind), message);
  }
}
