package org.warehouse.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.rollout.HostId;
import org.warehouse.agent.rollout.RolloutView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent rollout release HOST}: frees the slots a dead or removed host left behind. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description =
        "Free the slot HOST holds in the group's rollouts (a host that died or was removed),"
            + " without waiting for its lease to run out; not counted as a failure. If HOST"
            + " is still upgrading, it loses the slot and restarts nothing.")
final class RolloutReleaseCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST", description = "The host's name in rollouts.")
  String host;

  @Override
  public Integer call() throws ConfigException {
    return RolloutSession.run(
        config,
        spec,
        s -> {
          try {
            new HostId(host);
          } catch (IllegalArgumentException e) {
            s.err.println("agent rollout release: " + e.getMessage());
            return ExitCodes.USAGE;
          }
          int freed = s.admin.release(s.group(), host);
          if (freed > 0) {
            s.out.println(
                "released "
                    + host
                    + "'s slot in "
                    + freed
                    + " rollout(s) of group "
                    + s.group()
                    + " (not counted as a failure): the next waiting host may be admitted");
            return ExitCodes.OK;
          }
          List<String> where = new ArrayList<>();
          TreeSet<String> known = new TreeSet<>();
          for (RolloutView v : s.admin.status(s.group())) {
            for (RolloutView.HostView h : v.hosts()) {
              known.add(h.host());
              if (h.host().equals(host)) {
                where.add(v.key().pkg() + " " + v.key().version() + ": " + h.state().word());
              }
            }
            if (v.waiting().contains(host)) {
              where.add(v.key().pkg() + " " + v.key().version() + ": waiting");
            }
            known.addAll(v.waiting());
          }
          if (where.isEmpty()) {
            s.err.println(
                "agent: "
                    + host
                    + " is in no rollout of group "
                    + s.group()
                    + (known.isEmpty() ? "" : " (its hosts: " + String.join(", ", known) + ")"));
            return ExitCodes.NOT_FOUND;
          }
          s.out.println(
              host + " holds no slot (" + String.join("; ", where) + "): nothing to release");
          return ExitCodes.OK;
        });
  }
}
