package org.warehouse.agent.converge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ServiceResource;
import org.warehouse.agent.service.Systemctl;
import org.warehouse.agent.service.UnitManager;

/**
 * Turns agent.yml into this host's plan: repositories and packages first, then config files, then
 * services, which subscribe to the packages and files named in their {@code restart_on}.
 */
public final class HostPlanFactory implements PlanFactory {
  private final CommandRunner runner;

  public HostPlanFactory(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public Plan build(Settings s) throws PlanException {
    List<Resource> resources = new ArrayList<>();
    Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
    UnitManager units =
        new UnitManager(
            new Systemctl(runner, Duration.ofSeconds(90)),
            Duration.ofSeconds(90),
            Duration.ofMillis(500));
    for (Settings.Service svc : s.services()) {
      ServiceResource r = new ServiceResource(svc.unit(), units);
      resources.add(r);
      Set<String> sources = new LinkedHashSet<>();
      for (String on : svc.restartOn()) {
        sources.add(on.startsWith("/") ? "file:" + on : "package:" + on);
      }
      if (!sources.isEmpty()) {
        subscriptions.put(r.id(), sources);
      }
    }
    return new Plan(resources, subscriptions);
  }
}
