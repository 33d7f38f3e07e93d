package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Maintenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code agent enable}: ends the maintenance window {@code agent disable} began. */
@Command(
    name = "enable",
    mixinStandardHelpOptions = true,
    description = "Resume converging after 'agent disable'; the next scheduled run goes ahead.")
final class EnableCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, ConfigException {
    PrintWriter out = spec.commandLine().getOut();
    Settings settings = config.load();
    Optional<Maintenance.Disabled> was = new Maintenance(settings.stateDir()).enable();
    out.println(
        was.map(d -> "enabled; converges had been " + d.describe())
            .orElse("enabled (converges were not disabled)"));
    return ExitCodes.OK;
  }
}
