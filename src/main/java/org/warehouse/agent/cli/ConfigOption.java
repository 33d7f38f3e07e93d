package org.warehouse.agent.cli;

import java.nio.file.Path;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config PATH} after the subcommand, else before it ({@code agent --config PATH
 * check-config}), else $WAREHOUSE_AGENT_CONFIG, else /etc/warehouse-agent/agent.yml.
 */
final class ConfigOption {
  static final String DEFAULT = "/etc/warehouse-agent/agent.yml";

  @Option(
      names = "--config",
      paramLabel = "PATH",
      description = "agent.yml to use (default: $WAREHOUSE_AGENT_CONFIG or " + DEFAULT + ")")
  Path config;

  // The command this option belongs to (null when QuickConverge built the command): its parents
  // hold the value given before the subcommand, as every command with subcommands declares it.
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  Path path() {
    Path given = config != null ? config : beforeTheSubcommand();
    if (given != null) {
      return given.toAbsolutePath();
    }
    String env = System.getenv("WAREHOUSE_AGENT_CONFIG");
    return Path.of(env != null && !env.isBlank() ? env : DEFAULT);
  }

  private Path beforeTheSubcommand() {
    for (CommandSpec c = command == null ? null : command.parent(); c != null; c = c.parent()) {
      OptionSpec option = c.findOption("--config");
      if (option != null && option.getValue() != null) {
        return option.getValue();
      }
    }
    return null;
  }

  Settings load() throws ConfigException {
    return SettingsLoader.load(path());
  }
}
