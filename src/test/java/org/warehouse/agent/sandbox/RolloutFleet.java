package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.rollout.PgConnections;
import org.warehouse.agent.rollout.RolloutAdmin;
import org.warehouse.agent.rollout.RolloutException;
import org.warehouse.agent.rollout.RolloutView;
import org.warehouse.agent.rollout.TestPostgres;

/**
 * A small fleet for rollout tests: sandboxed hosts behind one fixture repository, each running the
 * agent's daemon under its own systemd with agent.yml's {@code rollout:} section pointing at one
 * throw-away PostgreSQL on the host's loopback (the sandboxes share the host's network). The hosts
 * share the kernel's host name too, so each gets its own {@code rollout.host}.
 */
final class RolloutFleet implements AutoCloseable {
  static final String GROUP = "web";
  static final String SECRET = "/etc/warehouse-agent/secrets/rollout_db";
  static final String UNIT = DaemonUnit.UNIT;
  static final String SCHEMA = "warehouse_agent";

  /** One host of the fleet: its rollout name, its sandbox, its agent, its metrics port. */
  record Member(String name, SandboxHost host, AgentInSandbox agent, int metricsPort) {
    Sandbox sandbox() {
      return host.sandbox();
    }
  }

  private final TestPostgres pg;
  private final List<Member> members;
  private final PgConnections adminDb;
  private final RolloutAdmin admin;

  private RolloutFleet(TestPostgres pg, List<Member> members) {
    this.pg = pg;
    this.members = List.copyOf(members);
    this.adminDb = new PgConnections(database(pg), () -> Optional.of(pg.password()));
    this.admin = new RolloutAdmin(adminDb);
  }

  /**
   * Starts PostgreSQL and one sandbox per name (the first owns the repository), publishes {@code
   * first}'s debs, installs them with a plain converge (no rollout yet: the fleet's starting
   * point), then writes agent.yml with {@code rolloutRules} and starts each daemon.
   */
  static RolloutFleet start(List<String> names, String rolloutRules, ReleaseSetup setup) {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      TestPostgres pg = TestPostgres.start();
      started.add(pg);
      List<Member> members = new ArrayList<>();
      for (String name : names) {
        SandboxHost h =
            members.isEmpty() ? SandboxHost.start() : SandboxHost.alongside(members.get(0).host());
        started.add(0, h);
        members.add(new Member(name, h, new AgentInSandbox(h), SandboxHost.freeLoopbackPort()));
      }
      setup.publish(members.get(0).host());
      RolloutFleet fleet = new RolloutFleet(pg, members);
      started.add(0, fleet.adminDb);
      // The hosts are independent until their daemons start: set them up side by side.
      ExecutorService setups = Executors.newFixedThreadPool(members.size());
      try {
        List<Future<Void>> done = new ArrayList<>();
        for (Member m : members) {
          done.add(setups.submit(() -> fleet.setUp(m, rolloutRules)));
        }
        for (Future<Void> f : done) {
          f.get(10, TimeUnit.MINUTES);
        }
      } finally {
        setups.shutdownNow();
      }
      return fleet;
    } catch (ExecutionException e) {
      closeAll(started, e);
      throw new IllegalStateException("setting up the fleet failed", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      closeAll(started, e);
      throw new IllegalStateException("setting up the fleet took too long", e);
    } catch (RuntimeException | Error e) {
      closeAll(started, e);
      throw e;
    }
  }

  private static void closeAll(List<AutoCloseable> started, Throwable failure) {
    for (AutoCloseable c : started) {
      try {
        c.close();
      } catch (Exception cleanup) {
        failure.addSuppressed(cleanup);
      }
    }
  }

  /**
   * A host's starting point: the release installed by a plain converge (no rollout yet), then
   * agent.yml with the rollout section, the database password, and the daemon started.
   */
  private Void setUp(Member m, String rolloutRules) throws IOException {
    m.agent().configure(agentYml(m, ""), AgentInSandbox.webAttributes(m.host()));
    ExecResult first = m.agent().run("converge", "--now");
    if (first.exitCode() != 0) {
      throw new AssertionError(m.name() + ": the plain first converge failed: " + first);
    }
    m.agent().configure(agentYml(m, rolloutRules), AgentInSandbox.webAttributes(m.host()));
    m.sandbox().writeFile(SECRET, pg.password());
    Files.setPosixFilePermissions(
        m.sandbox().hostPath(SECRET), PosixFilePermissions.fromString("rw-------"));
    DaemonUnit.install(m.sandbox());
    m.sandbox().checkOutput("systemctl", "start", UNIT);
    return null;
  }

  /** What the fleet starts from. */
  @FunctionalInterface
  interface ReleaseSetup {
    void publish(SandboxHost repositoryOwner);
  }

  /**
   * The usual test agent.yml with a health check, a one-hour interval and first run (only {@code
   * converge --now} and the rollout's beat start runs), a metrics port of its own, and {@code
   * rollout} (the {@code rollout:} section's rules, this host's name and the database added).
   */
  String agentYml(Member m, String rollout) {
    String yml =
        AgentInSandbox.healthCheckedConfig(m.host(), "4s")
                .replace("interval: 30m\n", "")
                // No release probe: the test decides which host converges when.
                .replace("  lock_timeout: 5s\n", "  lock_timeout: 5s\n  probe_interval: 0s\n")
            + "interval: 1h\nsplay: 1m\nfirst_run_delay: 1h\nmetrics:\n  listen: 127.0.0.1:"
            + m.metricsPort()
            + "\n";
    if (rollout.isEmpty()) {
      return yml;
    }
    return yml
        + "rollout:\n  group: "
        + GROUP
        + "\n  host: "
        + m.name()
        + "\n"
        + rollout
        + "  database:\n    host: 127.0.0.1\n    port: "
        + pg.port()
        + "\n    name: "
        + pg.database()
        + "\n    user: "
        + pg.user()
        // Generous timeouts: three JVMs and PostgreSQL share a loaded build machine.
        + "\n    password_secret: rollout_db\n    connect_timeout: 10s\n"
        + "    statement_timeout: 10s\n";
  }

  private static Settings.RolloutDatabase database(TestPostgres pg) {
    return new Settings.RolloutDatabase(
        pg.host(),
        pg.port(),
        pg.database(),
        pg.user(),
        Optional.of("unused"),
        SCHEMA,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10));
  }

  Member member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  List<Member> members() {
    return members;
  }

  TestPostgres postgres() {
    return pg;
  }

  /** The rollout of {@code version} as the database has it (what `agent rollout status` reads). */
  Optional<RolloutView> rollout(String version) {
    try {
      return admin.status(GROUP).stream()
          .filter(v -> v.key().version().equals(version))
          .findFirst();
    } catch (RolloutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops every daemon and sandbox (the repository's owner last), then PostgreSQL, by PID. */
  @Override
  public void close() {
    RuntimeException failure = null;
    adminDb.close();
    List<AutoCloseable> parts = new ArrayList<>();
    for (int i = members.size() - 1; i >= 0; i--) {
      parts.add(members.get(i).host());
    }
    parts.add(pg);
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the rollout fleet failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
