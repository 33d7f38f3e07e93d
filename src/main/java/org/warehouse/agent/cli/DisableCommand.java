package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Maintenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent disable --reason TEXT}: a maintenance window, as {@code puppet agent --disable}. */
@Command(
    name = "disable",
    mixinStandardHelpOptions = true,
    description =
        "Stop converging until 'agent enable': scheduled runs are skipped, 'converge --now'"
            + " refuses unless --force. A run in progress finishes.")
final class DisableCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why (shown by status, logs and refusals), e.g. a ticket number.")
  String reason;

  @Override
  public Integer call() throws IOException, ConfigException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (reason.isBlank()) {
      err.println("agent disable: --reason must say why");
      return ExitCodes.USAGE;
    }
    Settings settings = config.load();
    Maintenance maintenance = new Maintenance(settings.stateDir());
    Optional<Maintenance.Disabled> before;
    try {
      before = maintenance.current();
    } catch (IOException e) {
      before = Optional.empty();
    }
    Maintenance.Disabled d = maintenance.disable(reason.strip(), operator(), Instant.now());
    before.ifPresent(b -> out.println("was " + b.describe()));
    out.println("converges " + d.describe());
    out.println("scheduled runs are skipped until 'agent enable'");
    return ExitCodes.OK;
  }

  // Who to credit: the login behind sudo when there is one, as the audit trail wants a person.
  static String operator() {
    String user = System.getProperty("user.name", "unknown");
    String sudo = System.getenv("SUDO_USER");
    return sudo != null && !sudo.isBlank() && !sudo.equals(user)
        ? sudo + " (as " + user + " via sudo)"
        : user;
  }
}
