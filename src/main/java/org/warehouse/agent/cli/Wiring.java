package org.warehouse.agent.cli;

import java.time.Clock;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Converger;
import org.warehouse.agent.converge.HostPlanFactory;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.exec.ProcessCommandRunner;
import org.warehouse.agent.resource.AptIndexResource;

/** Builds the agent's parts for the real host, in one place for every command. */
public final class Wiring {
  private Wiring() {}

  static HostPlanFactory plans(AptIndexResource.PollObserver polls) {
    return new HostPlanFactory(
        new ProcessCommandRunner(), Clock.systemUTC(), polls, AgentVersion.get(), System.getenv());
  }

  public static Converger converger(
      Settings settings, RunListener listener, AptIndexResource.PollObserver polls) {
    if (settings.rollout().isEmpty()) {
      return new Converger(settings, plans(polls), listener, Clock.systemUTC());
    }
    HostPlanFactory gated =
        new HostPlanFactory(
            new ProcessCommandRunner(),
            Clock.systemUTC(),
            polls,
            AgentVersion.get(),
            System.getenv(),
            RolloutWiring.gate(settings));
    return new Converger(
        settings, gated, RolloutWiring.listener(settings, listener), Clock.systemUTC());
  }
}
