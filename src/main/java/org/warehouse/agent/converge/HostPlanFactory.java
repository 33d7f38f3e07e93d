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
import java.util.Optional;
import java.util.Set;
import org.warehouse.agent.apt.AptConfig;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.IndexFreshness;
import org.warehouse.agent.apt.KeptPackages;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.apt.QueryCache;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.apt.SourceList;
import org.warehouse.agent.attributes.AttributeException;
import org.warehouse.agent.attributes.AttributeLoader;
import org.warehouse.agent.attributes.AutomaticFacts;
import org.warehouse.agent.attributes.MergedAttributes;
import org.warehouse.agent.attributes.SecretStore;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.HostInputs;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.render.AtomicFileWriter;
import org.warehouse.agent.render.RenderException;
import org.warehouse.agent.render.RenderedFile;
import org.warehouse.agent.render.YamlRenderer;
import org.warehouse.agent.resource.AptIndexResource;
import org.warehouse.agent.resource.AptSourcesResource;
import org.warehouse.agent.resource.ConfigFileResource;
import org.warehouse.agent.resource.PackageResource;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.ServiceResource;
import org.warehouse.agent.resource.TransactionGate;
import org.warehouse.agent.service.HealthCheck;
import org.warehouse.agent.service.HealthChecker;
import org.warehouse.agent.service.Systemctl;
import org.warehouse.agent.service.SystemdBus;
import org.warehouse.agent.service.UnitManager;

/**
 * Turns agent.yml into this host's plan: the agent's apt sources and indexes, packages, then config
 * files, then services, which subscribe to the packages and files in their restart_on.
 */
public final class HostPlanFactory implements PlanFactory {
  /** The agent's one source list, in the directory apt reads, so operators see it too. */
  public static final String SOURCE_LIST = "warehouse-agent.list";

  /** The first line of every rendered file. */
  public static final String HEADER =
      "Managed by warehouse-agent from node attributes; local changes are overwritten.";

  private final CommandRunner runner;
  private final Clock clock;
  private final AptIndexResource.PollObserver polls;
  private final String agentVersion;
  private final Map<String, String> environment;
  private final TransactionGate gate;

  public HostPlanFactory(
      CommandRunner runner,
      Clock clock,
      AptIndexResource.PollObserver polls,
      String agentVersion,
      Map<String, String> environment) {
    this(runner, clock, polls, agentVersion, environment, TransactionGate.OPEN);
  }

  /** A factory whose package transactions and restarts onto them pass {@code gate}. */
  public HostPlanFactory(
      CommandRunner runner,
      Clock clock,
      AptIndexResource.PollObserver polls,
      String agentVersion,
      Map<String, String> environment,
      TransactionGate gate) {
    this.gate = gate;
    this.runner = runner;
    this.clock = clock;
    this.polls = polls;
    this.agentVersion = agentVersion;
    this.environment = Map.copyOf(environment);
  }

  /** Loads and merges the node attributes: every level, facts included. */
  public MergedAttributes attributes(Settings s) throws PlanException {
    try {
      return new AttributeLoader()
          .load(
              s.attributes().defaults(),
              s.attributes().files(),
              s.attributes().overrides(),
              AutomaticFacts.gather(agentVersion));
    } catch (AttributeException e) {
      throw new PlanException(e.getMessage(), e);
    }
  }

  /**
   * Renders every config file, secrets resolved, in agent.yml's order; fails on the first invalid
   * one. A list of pairs, not a map keyed by the file's record: a record's first hashCode links its
   * generated method through some twenty method handles spun at run time, in a cold CLI JVM.
   */
  public List<Map.Entry<Settings.ConfigFile, RenderedFile>> render(
      Settings s, MergedAttributes attributes) throws PlanException {
    SecretStore secrets = SecretStore.fromEnvironment(environment, s.secretsDir());
    YamlRenderer renderer = new YamlRenderer(HEADER);
    List<Map.Entry<Settings.ConfigFile, RenderedFile>> out = new ArrayList<>();
    for (Settings.ConfigFile f : s.configFiles()) {
      try {
        out.add(Map.entry(f, renderer.render(attributes.lookup(f.attribute()), secrets)));
      } catch (AttributeException | RenderException e) {
        throw new PlanException(f.path() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Everything that can be invalid on this host, checked before anything changes: the files
   * agent.yml names (keyrings), the attributes, the secrets, every render. {@code check-config} and
   * every run ({@link #build}) go through this one method, so they accept and refuse the same.
   */
  public List<Map.Entry<Settings.ConfigFile, RenderedFile>> validate(Settings s)
      throws PlanException {
    try {
      HostInputs.check(s);
    } catch (ConfigException e) {
      throw new PlanException(e.getMessage(), e);
    }
    return render(s, attributes(s));
  }

  @Override
  public Plan build(Settings s) throws PlanException {
    List<Resource> resources = new ArrayList<>();
    Map<ResourceId, Set<ResourceId>> subscriptions = new LinkedHashMap<>();
    // Everything that can be invalid is read and rendered before any resource runs.
    List<Map.Entry<Settings.ConfigFile, RenderedFile>> files = validate(s);
    if (!s.repositories().isEmpty()) {
      addApt(s, resources);
    }
    AtomicFileWriter writer = new AtomicFileWriter();
    for (Map.Entry<Settings.ConfigFile, RenderedFile> e : files) {
      Settings.ConfigFile f = e.getKey();
      resources.add(
          new ConfigFileResource(
              f.path(),
              e.getValue(),
              f.owner(),
              f.group(),
              f.mode(),
              writer,
              s.stateDir().resolve("backups").resolve(backupName(f.path()))));
    }
    UnitManager units =
        new UnitManager(
            new Systemctl(
                runner,
                Duration.ofSeconds(90),
                Optional.of(new SystemdBus(SystemdBus.PRIVATE_SOCKET, Duration.ofSeconds(10)))),
            Duration.ofSeconds(90),
            Duration.ofMillis(500),
            new HealthChecker());
    for (Settings.Service svc : s.services()) {
      Optional<HealthCheck> health =
          svc.healthUrl().isPresent()
              ? Optional.of(new HealthCheck(svc.healthUrl().get(), svc.healthTimeout()))
              : Optional.empty();
      ServiceResource r = new ServiceResource(svc.unit(), units, health, gate);
      resources.add(r);
      Set<ResourceId> sources = new LinkedHashSet<>();
      for (String on : svc.restartOn()) {
        sources.add(on.startsWith("/") ? ResourceId.ofFile(on) : ResourceId.ofPackage(on));
      }
      if (!sources.isEmpty()) {
        subscriptions.put(r.id(), sources);
      }
    }
    return new Plan(resources, subscriptions);
  }

  private void addApt(Settings s, List<Resource> resources) throws PlanException {
    List<AptRepository> repos = new ArrayList<>();
    for (Settings.Repository r : s.repositories()) {
      repos.add(
          new AptRepository(
              r.name(), r.uri(), r.suite(), r.components(), r.signedBy(), r.pollTimeout()));
    }
    SourceList list = new SourceList(s.apt().sourcesDir().resolve(SOURCE_LIST), repos);
    ProbeCache cache = new ProbeCache(s.stateDir());
    // dpkg-query and apt-cache answers, reused while the files they read are unchanged: a no-op
    // run spawns neither.
    QueryCache queries = new QueryCache(runner, s.stateDir(), QueryCache.hostInputs(list.file()));
    AptGet apt =
        new AptGet(
            queries,
            new AptConfig(
                list.file(),
                s.apt().lockTimeout(),
                s.apt().updateTimeout(),
                s.apt().installTimeout()));
    Dpkg dpkg = new Dpkg(queries, Path.of("/var/lib/dpkg"), s.apt().installTimeout());
    resources.add(new AptSourcesResource(list, cache));
    resources.add(
        new AptIndexResource(
            repos,
            new RepositoryProbe(clock),
            cache,
            apt,
            lastRunFailed(s),
            polls,
            new IndexFreshness(s.apt().maxIndexAge()),
            clock));
    Quarantine quarantine = new Quarantine(s.stateDir(), clock);
    KeptPackages kept =
        new KeptPackages(s.stateDir().resolve("packages"), KeptPackages.APT_ARCHIVES, dpkg, apt);
    for (Settings.PackageSpec p : s.packages()) {
      resources.add(
          new PackageResource(p.name(), p.pinnedVersion(), apt, dpkg, quarantine, kept, gate));
    }
  }

  /**
   * One backup directory per target: /opt/warehouse/etc/config.yml -> opt_warehouse_etc_config.yml.
   * One-to-one: '/' becomes '_', and a '_' or '%' of the path is %-escaped (%5F, %25), so that
   * /a/b_c/x.yml (a_b%5Fc_x.yml) and /a_b/c/x.yml (a%5Fb_c_x.yml) never share a directory. Paths
   * without '_' or '%' keep the name earlier versions gave them; other backups of earlier versions
   * stay where they were (only the run that wrote a backup reads it).
   */
  static String backupName(Path target) {
    String path = target.toString().substring(1);
    StringBuilder name = new StringBuilder(path.length() + 8);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      switch (c) {
        case '/' -> name.append('_');
        case '_' -> name.append("%5F");
        case '%' -> name.append("%25");
        default -> name.append(c);
      }
    }
    return name.toString();
  }

  // An unreadable last-run.json counts as a failed run: one extra apt-get update, never a
  // reason for every later run to fail too.
  private static boolean lastRunFailed(Settings s) {
    try {
      return new RunHistory(s.stateDir(), s.historyLimit()).lastFailed();
    } catch (IOException e) {
      return true;
    }
  }
}
