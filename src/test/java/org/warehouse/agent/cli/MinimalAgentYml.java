package org.warehouse.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The smallest agent.yml the CLI's process tests run: one file rendered from a default. */
final class MinimalAgentYml {
  private MinimalAgentYml() {}

  /** Writes {@code dir/agent.yml}, state and run dirs under {@code dir}, rendering to target. */
  static Path write(Path dir, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path yml = dir.resolve("agent.yml");
    Files.writeString(
        yml,
        "state_dir: "
            + dir.resolve("state")
            + "\nrun_dir: "
            + dir.resolve("run")
            + "\nattributes: {files: [], default: {warehouse: {config: {answer: 42}}}}"
            + "\nconfig_files:\n  - path: "
            + target
            + "\n    attribute: warehouse.config\n    mode: \"0600\"\n");
    return yml;
  }
}
