package org.warehouse.agent.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.warehouse.agent.launch.JournalFormatter;

/** Sends all logging (ours and Quartz's, via SLF4J) to stderr, one line an event. */
final class Logging {
  // Held: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
  private static final Logger QUARTZ = Logger.getLogger("org.quartz");

  private Logging() {}

  static void configure(boolean verbose) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler h = new ConsoleHandler(); // writes to System.err
    h.setFormatter(JournalFormatter.forThisProcess());
    h.setLevel(Level.ALL);
    root.addHandler(h);
    root.setLevel(JournalFormatter.threshold(verbose));
    // Quartz is chatty at INFO about its own startup; its warnings still show.
    QUARTZ.setLevel(Level.WARNING);
  }
}
