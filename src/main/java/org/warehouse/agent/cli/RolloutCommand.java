package org.warehouse.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code agent rollout status|halt|resume|release}: the fleet rollouts of this host's group. */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Fleet rollouts of this host's group (agent.yml's rollout section), from the rollout"
            + " database: show them, halt or resume a version fleet-wide, free a stranded slot.",
    subcommands = {
      RolloutStatusCommand.class,
      RolloutHaltCommand.class,
      RolloutResumeCommand.class,
      RolloutReleaseCommand.class
    })
final class RolloutCommand implements Runnable {
  // Also before the subcommand, as before any subcommand.
  @Mixin ConfigOption config;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing subcommand: status, halt, resume or release");
  }
}
