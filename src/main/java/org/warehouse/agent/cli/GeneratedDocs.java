package org.warehouse.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes agent(1) and the bash completion script from the command model, for the package
 * (packaging/build-deb.sh runs it with the jar it packages): {@code GeneratedDocs DIR} leaves
 * DIR/agent.1 and DIR/agent.bash-completion.
 */
public final class GeneratedDocs {
  private GeneratedDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: GeneratedDocs DIR");
      System.exit(ExitCodes.USAGE);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    Files.writeString(dir.resolve("agent.1"), manPage(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("agent.bash-completion"), bashCompletion(), StandardCharsets.UTF_8);
  }

  /** agent(1) in troff. */
  public static String manPage() {
    return ManPage.of(Main.commandLine());
  }

  /**
   * The bash completion script, for /usr/share/bash-completion/completions/agent: sourced by
   * bash-completion, not run, so without picocli's #! line.
   */
  public static String bashCompletion() {
    return AutoComplete.bash("agent", Main.commandLine()).replaceFirst("\\A#!.*\n", "");
  }
}
