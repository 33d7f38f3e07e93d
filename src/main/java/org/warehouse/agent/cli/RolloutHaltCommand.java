package org.warehouse.agent.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.rollout.RolloutState;
import org.warehouse.agent.rollout.RolloutView;
import org.warehouse.agent.version.DebianVersion;
import org.warehouse.agent.version.InvalidVersionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent rollout halt VERSION [--reason TEXT]}: no host of the group installs VERSION. */
@Command(
    name = "halt",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description =
        "Halt the rollout of VERSION fleet-wide: no host of the group is admitted to it; hosts"
            + " holding a slot lose it before they restart anything. Halting a halted version"
            + " changes nothing.")
final class RolloutHaltCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "VERSION", description = "The package version to halt.")
  String version;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why (shown by status and to every host that asks), e.g. a ticket number.")
  String reason;

  @Override
  public Integer call() throws ConfigException {
    try {
      DebianVersion.parse(version);
    } catch (InvalidVersionException e) {
      spec.commandLine()
          .getErr()
          .println("agent rollout halt: invalid version '" + version + "': " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (reason != null && reason.isBlank()) {
      spec.commandLine().getErr().println("agent rollout halt: --reason must say why");
      return ExitCodes.USAGE;
    }
    String why =
        "halted by " + DisableCommand.operator() + (reason == null ? "" : ": " + reason.strip());
    return RolloutSession.run(
        config,
        spec,
        s -> {
          boolean halted = s.admin.halt(s.group(), version, why);
          List<RolloutView> rollouts = s.rolloutsOf(version);
          if (rollouts.isEmpty()) {
            return s.noSuchVersion(version);
          }
          for (RolloutView v : rollouts) {
            if (halted && why.equals(v.haltedReason())) {
              s.out.println(v.key() + " " + why);
            } else if (v.state() == RolloutState.HALTED) {
              s.out.println(v.key() + " was already halted (nothing changed): " + v.haltedReason());
            }
          }
          if (halted) {
            s.out.println(
                "no host is admitted to "
                    + version
                    + " until 'agent rollout resume "
                    + version
                    + "'; a newer version starts a rollout of its own");
          }
          return ExitCodes.OK;
        });
  }
}
