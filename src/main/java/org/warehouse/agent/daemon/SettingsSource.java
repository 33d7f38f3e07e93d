package org.warehouse.agent.daemon;

import java.nio.file.Path;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;

/** Where the daemon (re)reads agent.yml from, at start and on SIGHUP. */
public interface SettingsSource {
  Settings load() throws ConfigException;

  Path path();
}
