package org.warehouse.agent.cli;

import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code agent check-config}: validate agent.yml (and, once built, attributes and renders). */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = "Validate agent.yml and everything it references; exit 78 when invalid.")
final class CheckConfigCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try {
      Settings s = config.load();
      spec.commandLine()
          .getOut()
          .printf(
              "%s: OK (%d repositories, %d packages, %d config files, %d services)%n",
              s.source(),
              s.repositories().size(),
              s.packages().size(),
              s.configFiles().size(),
              s.services().size());
      return ExitCodes.OK;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("agent: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
  }
}
