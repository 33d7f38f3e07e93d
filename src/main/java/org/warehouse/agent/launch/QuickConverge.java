package org.warehouse.agent.launch;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code agent [--config PATH] converge --now [--why-run] [--detailed-exitcodes] [--force]
 * [--json] [--verbose] [--config PATH]} without building picocli's model. Only command lines that
 * picocli would read the same way, with no message to give, are taken; anything else (help, an
 * unknown or repeated option, a missing value) is left to picocli, which says what is wrong.
 */
public final class QuickConverge {
  private static final String CONFIG = "--config";

  private boolean now;
  private boolean whyRun;
  private boolean detailed;
  private boolean force;
  private boolean json;
  private boolean verbose;
  private Path config;

  private QuickConverge() {}

  /** What these arguments ask for, or empty when they are picocli's to read. */
  public static Optional<QuickConverge> parse(String[] args) {
    QuickConverge c = new QuickConverge();
    // The global option before the subcommand: the only one there is besides help and version.
    int i = 0;
    if (i < args.length && isConfig(args[i])) {
      i = c.readConfig(args, i);
      if (i < 0) {
        return Optional.empty();
      }
      i++;
    }
    if (i >= args.length || !"converge".equals(args[i])) {
      return Optional.empty();
    }
    Set<String> seen = new HashSet<>();
    for (i++; i < args.length; i++) {
      String arg = args[i];
      String name = isConfig(arg) ? CONFIG : arg;
      // Given twice (or both before and after the subcommand): picocli says which one counts.
      if (!seen.add(name) || (name.equals(CONFIG) && c.config != null)) {
        return Optional.empty();
      }
      switch (name) {
        case "--now" -> c.now = true;
        case "--why-run" -> c.whyRun = true;
        case "--detailed-exitcodes" -> c.detailed = true;
        case "--force" -> c.force = true;
        case "--json" -> c.json = true;
        case "--verbose" -> c.verbose = true;
        case CONFIG -> {
          i = c.readConfig(args, i);
          if (i < 0) {
            return Optional.empty();
          }
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    return c.now ? Optional.of(c) : Optional.empty();
  }

  private static boolean isConfig(String arg) {
    return arg.equals(CONFIG) || arg.startsWith(CONFIG + "=");
  }

  // Sets config from args[i] (and args[i + 1]); the index of the last argument read, or -1 when
  // picocli would complain about the value.
  private int readConfig(String[] args, int i) {
    String arg = args[i];
    String value;
    if (arg.equals(CONFIG)) {
      if (++i >= args.length) {
        return -1;
      }
      value = args[i];
    } else {
      value = arg.substring(CONFIG.length() + 1);
    }
    Optional<Path> path = path(value);
    if (path.isEmpty()) {
      return -1;
    }
    config = path.get();
    return i;
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

  /** Always true: a command line without {@code --now} is picocli's. */
  public boolean now() {
    return now;
  }

  public boolean whyRun() {
    return whyRun;
  }

  public boolean detailed() {
    return detailed;
  }

  public boolean force() {
    return force;
  }

  public boolean json() {
    return json;
  }

  public boolean verbose() {
    return verbose;
  }

  /** The {@code --config} given before or after the subcommand, or null. */
  public Path config() {
    return config;
  }
}
