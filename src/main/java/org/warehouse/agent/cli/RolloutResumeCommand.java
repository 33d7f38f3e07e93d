package org.warehouse.agent.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.rollout.RolloutState;
import org.warehouse.agent.rollout.RolloutView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent rollout resume VERSION}: lifts a halt, or ends a canary stage early. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description =
        "Resume the rollout of VERSION: a halted one with its failures reset (canaries first"
            + " again unless they had passed), or end a canary stage without waiting for it."
            + " A rollout already rolling is left as it is.")
final class RolloutResumeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "VERSION", description = "The package version to resume.")
  String version;

  @Override
  public Integer call() throws ConfigException {
    return RolloutSession.run(
        config,
        spec,
        s -> {
          boolean resumed = s.admin.resume(s.group(), version);
          List<RolloutView> rollouts = s.rolloutsOf(version);
          if (rollouts.isEmpty()) {
            return s.noSuchVersion(version);
          }
          for (RolloutView v : rollouts) {
            if (!resumed) {
              s.out.println(
                  v.key() + " is " + v.state().word() + ", not halted: nothing to resume");
            } else if (v.state() == RolloutState.CANARY) {
              s.out.println(
                  v.key() + " resumed: failures reset; canaries first again, then the rest");
            } else {
              s.out.println(
                  v.key()
                      + " resumed: rolling, failures reset; every host of the group may be"
                      + " admitted, "
                      + v.maxParallel()
                      + " at a time");
            }
          }
          return ExitCodes.OK;
        });
  }
}
