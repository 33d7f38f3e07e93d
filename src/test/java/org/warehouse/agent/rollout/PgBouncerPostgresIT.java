package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.cli.AgentProcess;
import org.warehouse.agent.cli.RolloutAgentYml;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.TransactionGate;
import org.warehouse.agent.state.JsonTree;

/**
 * The agent's rollout client through a real pgbouncer in transaction pooling mode with two server
 * connections for 20 clients: the schema migration, a whole rollout, fencing and {@code agent
 * rollout status}. Every client has its own connection to the pgbouncer, as on a fleet.
 */
class PgBouncerPostgresIT {
  private static final int CLIENTS = 20;
  private static final int POOL = 2;
  private static final String V = "18.09.02";
  private static TestPostgres pg;
  private static TestPgBouncer bouncer;

  @TempDir Path dir;
  private final List<PgConnections> opened = new ArrayList<>();
  private Settings.RolloutDatabase db;

  @BeforeAll
  static void start() {
    pg = TestPostgres.start();
    bouncer = pg.startBouncer(POOL);
  }

  @AfterAll
  static void stop() {
    pg.close();
    assertThat(PostgresHarnessIT.gone(bouncer.pid())).as("%s after close()", bouncer).isTrue();
  }

  @BeforeEach
  void schema() {
    db = Rollouts.freshSchema(bouncer.host(), bouncer.port());
  }

  @AfterEach
  void close() throws Exception {
    opened.forEach(PgConnections::close);
    // pgjdbc's server-side prepared statements would fail on another server connection
    // (prepareThreshold=0 is what keeps them away): the server never saw such an error.
    assertThat(Files.readString(pg.log())).doesNotContain("prepared statement");
  }

  private PgConnections client() {
    PgConnections c = new PgConnections(db, () -> Optional.of(pg.password()));
    synchronized (opened) {
      opened.add(c);
    }
    return c;
  }

  private RolloutGate gate(String host, RolloutRules rules) {
    PgConnections c = client();
    return new RolloutGate(new HostId(host), "web", rules, new RolloutStore(c), new LeaseStore(c));
  }

  @Test
  void twentyAgentsCreateTheSchemaAtOnceThroughTwoServerConnections() throws Exception {
    // Flyway's migration lock, held here until every agent has found it taken: however warm
    // Flyway is in this JVM, they all wait at once, as a fleet of fresh agents would.
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
    List<Future<Integer>> first = new ArrayList<>();
    try (Connection lock = migrationLock()) {
      CyclicBarrier together = new CyclicBarrier(CLIENTS);
      for (int i = 0; i < CLIENTS; i++) {
        PgConnections c = client();
        first.add(
            threads.submit(
                () -> {
                  together.await();
                  // Each client's first transaction runs Flyway first, on its own connections.
                  return c.inTransaction(x -> 1);
                }));
      }
      Thread.sleep(3000);
      assertThat(first).noneMatch(Future::isDone);
    }
    for (Future<Integer> f : first) {
      assertThat(f.get(3, TimeUnit.MINUTES)).isEqualTo(1);
    }
    threads.shutdown();
    assertThat(
            pg.sql(
                "SELECT version, success FROM "
                    + db.schema()
                    + ".agent_schema_history WHERE version IS NOT NULL"))
        .containsExactly(List.of("1", "t"));
    // Flyway sets search_path inside the migration's transaction, so the tables are where they
    // belong even when the session it set it in is another client's next time.
    assertThat(
            pg.sql(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'rollout'"))
        .contains(List.of(db.schema()))
        .doesNotContain(List.of("public"));
    assertThat(bouncer.serverConnections()).isLessThanOrEqualTo(POOL);
  }

  @Test
  void twentyGatesGoThroughAWholeRolloutOnTwoServerConnections() throws Exception {
    int maxParallel = 3;
    RolloutRules rules =
        Rollouts.rules(2, maxParallel, 3, Duration.ofSeconds(30), Duration.ofMillis(300));
    List<RolloutGate> gates = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      gates.add(gate("app-" + i, rules));
    }
    client().inTransaction(c -> 1); // the schema, for the sampler
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger mostSlots = new AtomicInteger();
    AtomicInteger mostServers = new AtomicInteger();
    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                mostSlots.accumulateAndGet(slotsHeld(), Math::max);
                mostServers.accumulateAndGet(bouncer.serverConnections(), Math::max);
                sleep(50);
              }
            });
    sampler.start();
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
    List<Future<Integer>> asks = new ArrayList<>();
    for (RolloutGate g : gates) {
      asks.add(threads.submit(() -> upgrade(g)));
    }
    for (Future<Integer> f : asks) {
      assertThat(f.get(3, TimeUnit.MINUTES)).isPositive();
    }
    threads.shutdown();
    running.set(false);
    sampler.join();

    for (RolloutGate g : gates) {
      assertThat(g.health().databaseErrors()).as(g.health().lastError()).isZero();
      assertThat(g.health().lostSlots()).isZero();
    }
    RolloutView v = new RolloutAdmin(client()).status("web").get(0);
    assertThat(v.state()).isEqualTo(RolloutState.ROLLING);
    assertThat(v.count(HostState.DONE)).isEqualTo(CLIENTS);
    assertThat(v.failures()).isZero();
    assertThat(mostSlots.get()).isBetween(2, maxParallel);
    assertThat(mostServers.get()).isBetween(1, POOL);
  }

  /** One host's upgrade, as its runner and ticker would do it; returns how often it asked. */
  private static int upgrade(RolloutGate g) throws ResourceException {
    int asks = 1;
    while (!g.admit("warehouse", V).admitted()) {
      asks++;
      sleep(50);
    }
    new RolloutTicker(g).tick(true); // mid-run: renews the lease
    g.confirm(); // before the restart: renews with the slot's epoch
    g.runFinished(run(V));
    assertThat(g.healthyReported()).isTrue();
    while (g.slot().isPresent()) {
      new RolloutTicker(g).tick(false); // releases the slot once healthy for min_healthy_time
      sleep(50);
    }
    return asks;
  }

  @Test
  void aHolderPausedPastItsLeaseStaysFencedOffThroughTheBouncer() throws Exception {
    RolloutRules rules = Rollouts.rules(0, 1, 3, Duration.ofSeconds(2), Duration.ZERO);
    RolloutGate a = gate("app-1", rules);
    RolloutGate b = gate("app-2", rules);
    assertThat(a.admit("warehouse", V).admitted()).isTrue();
    assertThat(b.admit("warehouse", V).verdict()).isEqualTo(TransactionGate.Verdict.WAITING);
    Slot held = a.slot().orElseThrow();
    Thread.sleep(2500); // a "paused" past its lease

    assertThat(b.admit("warehouse", V).admitted()).isTrue();
    assertThatThrownBy(a::confirm)
        .isInstanceOf(ResourceException.class)
        .hasMessageContaining("this host lost its rollout slot");
    LeaseStore leases = new LeaseStore(client());
    assertThat(leases.renew(held)).isFalse();
    assertThat(leases.reportHealthy(held)).isFalse();
    assertThat(leases.complete(held)).isEqualTo(LeaseStore.Completion.LOST);
    b.confirm();
    RolloutView v = new RolloutAdmin(client()).status("web").get(0);
    assertThat(v.failures()).isEqualTo(1); // a's expired lease
    assertThat(v.count(HostState.EXPIRED)).isEqualTo(1);
    assertThat(v.count(HostState.INSTALLING)).isEqualTo(1);
  }

  @Test
  void rolloutStatusRunsAsAProcessThroughTheBouncer() throws Exception {
    RolloutGate a = gate("app-1", Rollouts.rules(1, 2, 3, Duration.ofMinutes(5), Duration.ZERO));
    assertThat(a.admit("warehouse", V).admitted()).isTrue();
    Path yml = RolloutAgentYml.write(dir, bouncer.port(), db.schema(), pg.password());

    AgentProcess.Result r;
    // A fresh process on a migrated schema reads the schema's version and leaves Flyway alone:
    // with Flyway's lock taken, it would wait for it.
    try (Connection lock = migrationLock()) {
      r = AgentProcess.run("rollout", "status", "--json", "--config=" + yml.toString());
    }

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out() + r.err()).doesNotContain(pg.password());
    Map<String, Object> status = JsonTree.object(JsonTree.read(r.out()), "status");
    assertThat(status.get("group")).isEqualTo("web");
    assertThat(status.get("rollouts").toString()).contains("app-1", "canary", V);
  }

  /**
   * Flyway's migration lock for this test's schema, held (directly, not through the pgbouncer)
   * until the connection is closed: Flyway's key is a constant plus the hash of the history table's
   * quoted name.
   */
  private Connection migrationLock() throws SQLException {
    long key = 77431708279161L + ('"' + db.schema() + "\".\"agent_schema_history\"").hashCode();
    Connection direct = pg.superuserConnection();
    try (PreparedStatement lock = direct.prepareStatement("SELECT pg_advisory_lock(?)")) {
      lock.setLong(1, key);
      lock.execute();
    } catch (SQLException e) {
      direct.close();
      throw e;
    }
    return direct;
  }

  private int slotsHeld() {
    return Integer.parseInt(
        pg.sql(
                "SELECT count(*) FROM "
                    + db.schema()
                    + ".rollout_host WHERE state IN ('installing', 'verifying')")
            .get(0)
            .get(0));
  }

  private static RunReport run(String version) {
    return Rollouts.packageRun(RunResult.CHANGED, ResourceStatus.CHANGED, version, "");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
