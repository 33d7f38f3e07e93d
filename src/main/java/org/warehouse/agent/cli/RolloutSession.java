package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.attributes.AttributeException;
import org.warehouse.agent.attributes.SecretRef;
import org.warehouse.agent.attributes.SecretStore;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.rollout.PgConnections;
import org.warehouse.agent.rollout.RolloutAdmin;
import org.warehouse.agent.rollout.RolloutException;
import org.warehouse.agent.rollout.RolloutView;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One {@code agent rollout} command's way to the rollout database: agent.yml's rollout section, the
 * password secret, a {@link RolloutAdmin}, and every failure as a message and an exit code. The
 * commands' own classes name no rollout exception, so that help and the other commands never load
 * the rollout package.
 */
final class RolloutSession {
  // Held: java.util.logging keeps loggers weakly. Flyway's INFO lines about an up-to-date schema
  // are noise to an operator; its warnings still show.
  private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

  final Settings settings;
  final Settings.Rollout rollout;
  final RolloutAdmin admin;
  final PrintWriter out;
  final PrintWriter err;

  private RolloutSession(Settings settings, RolloutAdmin admin, PrintWriter out, PrintWriter err) {
    this.settings = settings;
    this.rollout = settings.rollout().orElseThrow();
    this.admin = admin;
    this.out = out;
    this.err = err;
  }

  /** What a command does with the database; returns its exit code. */
  @FunctionalInterface
  interface Body {
    // Exception, not RolloutException: a lambda's method declares what this declares, and picocli
    // reflecting over a command's methods (for help, too) would load the rollout package.
    int run(RolloutSession s) throws Exception;
  }

  /** Loads agent.yml, opens the database and runs {@code body}; the exit code. */
  static int run(ConfigOption config, CommandSpec spec, Body body) throws ConfigException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Settings settings = config.load();
    if (settings.rollout().isEmpty()) {
      err.println(
          "agent: "
              + config.path()
              + " has no rollout section: this host takes part in no fleet rollout (add"
              + " rollout.group and rollout.database, see configuration.md)");
      return ExitCodes.CONFIG;
    }
    Optional<String> password;
    try {
      password = password(settings);
    } catch (AttributeException e) {
      err.println("agent: cannot read the rollout database password: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    FLYWAY.setLevel(Level.WARNING);
    Optional<String> pw = password;
    try (PgConnections db = new PgConnections(settings.rollout().get().database(), () -> pw)) {
      return body.run(new RolloutSession(settings, new RolloutAdmin(db), out, err));
    } catch (RolloutException e) {
      // The database's own words; the password is never in them, and is redacted if it were.
      String why = e.getMessage();
      if (pw.isPresent() && !pw.get().isEmpty()) {
        why = why.replace(pw.get(), "<secret>");
      }
      err.println("agent: " + why);
      return ExitCodes.UNAVAILABLE;
    } catch (IOException e) {
      err.println("agent: " + e.getMessage());
      return ExitCodes.FAILED;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> password(Settings s) {
    Optional<String> secret = s.rollout().get().database().passwordSecret();
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    SecretStore store = SecretStore.fromEnvironment(System.getenv(), s.secretsDir());
    return Optional.of(store.resolve(new SecretRef(secret.get())).strip());
  }

  /** The group this host's agent.yml names. */
  String group() {
    return rollout.group();
  }

  /** The group's rollouts of {@code version} (one per package), as status shows them. */
  List<RolloutView> rolloutsOf(String version) throws RolloutException {
    List<RolloutView> of = new ArrayList<>();
    for (RolloutView v : admin.status(group())) {
      if (v.key().version().equals(version)) {
        of.add(v);
      }
    }
    return of;
  }

  /** "VERSION is not a rollout of group G (its rollouts: ...)": exit 66. */
  int noSuchVersion(String version) throws RolloutException {
    Set<String> known = new LinkedHashSet<>();
    for (RolloutView v : admin.status(group())) {
      known.add(v.key().version());
    }
    err.println(
        "agent: group "
            + group()
            + " has no rollout of version "
            + version
            + (known.isEmpty()
                ? " (it has no rollouts)"
                : " (its versions: " + String.join(", ", known) + ")"));
    return ExitCodes.NOT_FOUND;
  }
}
