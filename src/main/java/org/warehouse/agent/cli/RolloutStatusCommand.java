package org.warehouse.agent.cli;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.rollout.RolloutView;
import org.warehouse.agent.state.JsonTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent rollout status [--json]}: every rollout of this host's group, newest first. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description =
        "Every rollout of this host's group, newest version first: its state, the canaries,"
            + " the hosts done, in flight (lease expiry by the database's clock), failed (why)"
            + " and waiting, why it is halted, and its recent steps.")
final class RolloutStatusCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() throws ConfigException {
    return RolloutSession.run(
        config,
        spec,
        s -> {
          List<RolloutView> rollouts = s.admin.status(s.group());
          Instant now = s.admin.databaseTime();
          if (json) {
            byte[] doc = JsonTree.write(RolloutStatusJson.document(s.group(), now, rollouts));
            s.out.println(new String(doc, StandardCharsets.UTF_8));
          } else {
            new RolloutStatusText(s.out, now).print(s.group(), rollouts);
          }
          return ExitCodes.OK;
        });
  }
}
