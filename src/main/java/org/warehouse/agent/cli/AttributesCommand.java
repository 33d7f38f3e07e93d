package org.warehouse.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.warehouse.agent.attributes.AttributeException;
import org.warehouse.agent.attributes.MergedAttributes;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.PlanException;
import org.warehouse.agent.render.YamlRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent attributes [--explain KEY]}: the merged node attributes, secrets redacted. */
@Command(
    name = "attributes",
    mixinStandardHelpOptions = true,
    description = "Print the merged node attributes, or explain where one came from.")
final class AttributesCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--explain",
      paramLabel = "KEY",
      description = "Show every level that set KEY (dotted, e.g. warehouse.config.database).")
  String explain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Settings settings = config.load();
      MergedAttributes merged = Wiring.plans((r, s) -> {}).attributes(settings);
      if (explain != null) {
        out.println(merged.explain(explain));
      } else {
        out.print(
            new YamlRenderer("merged node attributes (secrets redacted)")
                .renderRedacted(merged.tree()));
      }
      return ExitCodes.OK;
    } catch (ConfigException | PlanException | AttributeException e) {
      err.println("agent: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
  }
}
