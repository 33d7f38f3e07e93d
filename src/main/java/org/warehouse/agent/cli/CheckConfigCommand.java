package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.HostPlanFactory;
import org.warehouse.agent.converge.PlanException;
import org.warehouse.agent.render.RenderedFile;
import org.warehouse.agent.render.UnifiedDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code agent check-config}: validates agent.yml, the attributes and secrets, renders every config
 * file and shows it (secrets redacted) with a diff against the file on disk. Changes nothing.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description =
        "Validate agent.yml, attributes and secrets; show each rendered file (secrets redacted)"
            + " and its diff against disk; exit 78 when invalid.")
final class CheckConfigCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try {
      Settings s = config.load();
      HostPlanFactory plans = Wiring.plans((r, x) -> {});
      // The same checks as every converge's, before it changes anything.
      List<Map.Entry<Settings.ConfigFile, RenderedFile>> files = plans.validate(s);
      out.printf(
          "%s: OK (%d repositories, %d packages, %d config files, %d services)%n",
          s.source(),
          s.repositories().size(),
          s.packages().size(),
          s.configFiles().size(),
          s.services().size());
      for (Map.Entry<Settings.ConfigFile, RenderedFile> e : files) {
        String path = e.getKey().path().toString();
        out.printf("%n==> %s (from attribute %s)%n", path, e.getKey().attribute());
        byte[] current;
        try {
          current = Files.readAllBytes(e.getKey().path());
        } catch (NoSuchFileException missing) {
          current = null;
        }
        // Masked with the secret values the file on disk holds too, not only the render's.
        out.print(e.getValue().redactedText(current));
        if (current != null && e.getValue().contentEquals(current)) {
          out.println("(identical to the file on disk)");
        } else {
          out.print(UnifiedDiff.of(path, current, e.getValue()));
        }
      }
      return ExitCodes.OK;
    } catch (ConfigException | PlanException e) {
      spec.commandLine().getErr().println("agent: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
  }
}
