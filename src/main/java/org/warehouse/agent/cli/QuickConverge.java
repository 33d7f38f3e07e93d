package org.warehouse.agent.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code agent converge --now [--why-run] [--detailed-exitcodes] [--force] [--json]
 * [--verbose] [--config PATH]} without picocli, whose model costs more than the rest of a no-op
 * converge through the daemon. Only command lines that picocli would read the same way, with no
 * message to give, are taken; anything else (help, an unknown or repeated option, a missing value)
 * is left to picocli, which says what is wrong.
 */
final class QuickConverge {
  private QuickConverge() {}

  /** The command these arguments ask for, or empty when they are picocli's to read. */
  static Optional<ConvergeCommand> parse(String[] args) {
    if (args.length < 2 || !"converge".equals(args[0])) {
      return Optional.empty();
    }
    ConvergeCommand c = new ConvergeCommand();
    c.config = new ConfigOption();
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String name = arg.startsWith("--config=") ? "--config" : arg;
      if (!seen.add(name)) {
        return Optional.empty();
      }
      switch (name) {
        case "--now" -> c.now = true;
        case "--why-run" -> c.whyRun = true;
        case "--detailed-exitcodes" -> c.detailed = true;
        case "--force" -> c.force = true;
        case "--json" -> c.json = true;
        case "--verbose" -> c.verbose = true;
        case "--config" -> {
          String value =
              arg.equals("--config") ? (++i < args.length ? args[i] : "") : arg.substring(9);
          Optional<Path> path = path(value);
          if (path.isEmpty()) {
            return Optional.empty();
          }
          c.config.config = path.get();
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    return c.now ? Optional.of(c) : Optional.empty();
  }

  // What picocli would take as the value of --config without complaint.
  private static Optional<Path> path(String value) {
    if (value.isEmpty() || value.startsWith("-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(value));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
