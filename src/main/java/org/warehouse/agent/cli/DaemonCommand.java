package org.warehouse.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code agent daemon}: scheduler, metrics and control socket (issue 6; not built yet). */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = "Run the scheduler, metrics endpoint and control socket (not available yet).")
final class DaemonCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println(
            "agent daemon: not available in this build yet (the scheduler, metrics and control"
                + " socket are still being built); run 'agent converge --now' from a timer instead");
    return ExitCodes.USAGE;
  }
}
