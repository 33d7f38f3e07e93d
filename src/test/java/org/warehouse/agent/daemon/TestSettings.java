package org.warehouse.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;

/** agent.yml files for daemon tests: nothing on the host to manage, state and run dirs in temp. */
public final class TestSettings {
  private TestSettings() {}

  /** Writes DIR/agent.yml that manages nothing, with {@code extra} lines appended. */
  public static Path write(Path dir, String extra) throws IOException {
    return write(dir, List.of(), extra);
  }

  /** As {@link #write(Path, String)}, reading attributes from {@code attributeFiles}. */
  public static Path write(Path dir, List<Path> attributeFiles, String extra) throws IOException {
    Path yml = dir.resolve("agent.yml");
    Files.writeString(
        yml,
        "state_dir: "
            + dir.resolve("state")
            + "\nrun_dir: "
            + dir.resolve("run")
            + "\nattributes: {files: ["
            + String.join(", ", attributeFiles.stream().map(Path::toString).toList())
            + "]}\nmetrics: {listen: '127.0.0.1:0'}\n"
            + extra);
    return yml;
  }

  static Settings load(Path dir, String extra) throws IOException, ConfigException {
    return SettingsLoader.load(write(dir, extra));
  }
}
