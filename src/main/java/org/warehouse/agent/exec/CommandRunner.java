package org.warehouse.agent.exec;

import java.io.IOException;

/** The one seam between the agent and the host's processes; tests substitute it. */
public interface CommandRunner {

  /**
   * Runs {@code command} to completion or its timeout (then the whole process tree is killed).
   *
   * @throws IOException when the program cannot be started at all
   */
  CommandResult run(Command command) throws IOException, InterruptedException;
}
