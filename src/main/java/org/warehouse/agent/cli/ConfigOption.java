package org.warehouse.agent.cli;

import java.nio.file.Path;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;
import picocli.CommandLine.Option;

/** {@code --config PATH}, else $WAREHOUSE_AGENT_CONFIG, else /etc/warehouse-agent/agent.yml. */
final class ConfigOption {
  static final String DEFAULT = "/etc/warehouse-agent/agent.yml";

  @Option(
      names = "--config",
      paramLabel = "PATH",
      description = "agent.yml to use (default: $WAREHOUSE_AGENT_CONFIG or " + DEFAULT + ")")
  Path config;

  Path path() {
    if (config != null) {
      return config.toAbsolutePath();
    }
    String env = System.getenv("WAREHOUSE_AGENT_CONFIG");
    return Path.of(env != null && !env.isBlank() ? env : DEFAULT);
  }

  Settings load() throws ConfigException {
    return SettingsLoader.load(path());
  }
}
