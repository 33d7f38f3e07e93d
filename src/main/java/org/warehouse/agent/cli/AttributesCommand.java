package org.warehouse.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent attributes}: the merged node attributes (being built; says so). */
@Command(
    name = "attributes",
    mixinStandardHelpOptions = true,
    description = "Print the merged node attributes, or explain where one came from.")
final class AttributesCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--explain", paramLabel = "KEY", description = "Show every level that set KEY.")
  String explain;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("agent attributes: not available in this build yet");
    return ExitCodes.USAGE;
  }
}
