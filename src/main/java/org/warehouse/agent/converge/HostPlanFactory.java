package org.warehouse.agent.converge;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.apt.AptConfig;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.apt.SourceList;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.resource.AptIndexResource;
import org.warehouse.agent.resource.AptSourcesResource;
import org.warehouse.agent.resource.PackageResource;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ServiceResource;
import org.warehouse.agent.service.Systemctl;
import org.warehouse.agent.service.UnitManager;

/**
 * Turns agent.yml into this host's plan: the agent's apt sources and indexes, packages, then config
 * files, then services, which subscribe to the packages and files in their restart_on.
 */
public final class HostPlanFactory implements PlanFactory {
  /** The agent's one source list, in the directory apt reads, so operators see it too. */
  public static final String SOURCE_LIST = "warehouse-agent.list";

  private final CommandRunner runner;
  private final Clock clock;
  private final AptIndexResource.PollObserver polls;

  public HostPlanFactory(CommandRunner runner, Clock clock, AptIndexResource.PollObserver polls) {
    this.runner = runner;
    this.clock = clock;
    this.polls = polls;
  }

  @Override
  public Plan build(Settings s) throws PlanException {
    List<Resource> resources = new ArrayList<>();
    Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
    if (!s.repositories().isEmpty()) {
      addApt(s, resources);
    }
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

  private void addApt(Settings s, List<Resource> resources) throws PlanException {
    List<AptRepository> repos =
        s.repositories().stream()
            .map(
                r ->
                    new AptRepository(
                        r.name(),
                        r.uri(),
                        r.suite(),
                        r.components(),
                        r.signedBy(),
                        r.pollTimeout()))
            .toList();
    SourceList list = new SourceList(s.apt().sourcesDir().resolve(SOURCE_LIST), repos);
    ProbeCache cache = new ProbeCache(s.stateDir());
    AptGet apt =
        new AptGet(
            runner,
            new AptConfig(
                list.file(),
                s.apt().lockTimeout(),
                s.apt().updateTimeout(),
                s.apt().installTimeout()));
    Dpkg dpkg = new Dpkg(runner, Path.of("/var/lib/dpkg"), s.apt().installTimeout());
    resources.add(new AptSourcesResource(list, cache));
    resources.add(
        new AptIndexResource(
            repos, new RepositoryProbe(clock), cache, apt, lastRunFailed(s), polls));
    for (Settings.PackageSpec p : s.packages()) {
      resources.add(new PackageResource(p.name(), p.pinnedVersion(), apt, dpkg));
    }
  }

  // An unreadable last-run.json counts as a failed run: one extra apt-get update, never a
  // reason for every later run to fail too.
  private static boolean lastRunFailed(Settings s) {
    try {
      return new RunHistory(s.stateDir(), s.historyLimit())
          .last()
          .map(RunReport::failed)
          .orElse(false);
    } catch (IOException e) {
      return true;
    }
  }
}
