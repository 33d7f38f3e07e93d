package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.warehouse.agent.config.Settings;

/**
 * Fleet rollouts at scale against a real PostgreSQL: 1,000 simulated hosts, each the agent's own
 * gate and ticker on its own connection, at a 1 s poll; canary 3, max_parallel 10, halt after 3.
 * The holders to kill or pause run in processes of their own ({@link SimHostMain}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetScalePostgresIT {
  static final int SIZE = Integer.getInteger("scale.hosts", 1000);
  static final String SCHEMA = "scale";
  static final String GROUP = "web";
  static final long POLL = 1000;
  // Long enough that a holder's renewal delayed by a machine at load 40 does not expire it: the
  // good release must see no failure but the two the test makes.
  static final long TTL = 10_000;
  static final long HEALTHY = 200;
  // Threads stepping the waiting hosts. After PostgreSQL comes back every one of them is opening a
  // connection, and here a backend costs 17-20 ms of fork (pgbench -C): 32 threads queued the
  // holders' reconnects behind 32 others and put the first admission at 1.5-2.6 s (16 s once in
  // CI); 8 put it at 0.2-0.4 s. More threads add connections queued at the postmaster, not asks.
  static final int ASK_THREADS = Integer.getInteger("scale.askThreads", 8);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Logger QUIET = Logger.getLogger("org.warehouse.agent");
  private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

  private TestPostgres pg;
  private Fleet fleet;
  private ScaleDb db;

  @BeforeAll
  void fleet() throws Exception {
    QUIET.setLevel(Level.WARNING);
    FLYWAY.setLevel(Level.WARNING);
    pg = TestPostgres.start();
    db = new ScaleDb(pg, SCHEMA, GROUP);
    Settings.RolloutDatabase settings =
        new Settings.RolloutDatabase(
            pg.host(),
            pg.port(),
            pg.database(),
            pg.user(),
            Optional.of("test"),
            SCHEMA,
            Duration.ofSeconds(10),
            Duration.ofSeconds(5));
    RolloutRules rules =
        new RolloutRules(List.of(), 3, 10, 3, Duration.ofMillis(TTL), Duration.ofMillis(HEALTHY));
    fleet =
        new Fleet(
            SIZE,
            settings,
            pg.password(),
            GROUP,
            rules,
            new SimHost.Pace(POLL, 50, HEALTHY),
            ASK_THREADS);
    long t = System.nanoTime();
    fleet.connect(GROUP, 16);
    System.out.printf("fleet: %d clients connected in %d ms%n", SIZE, ms(System.nanoTime() - t));
  }

  @AfterAll
  void close() {
    if (fleet != null) {
      fleet.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static SimHost.Release release(String version, boolean bad) {
    return new SimHost.Release(new RolloutKey(GROUP, "warehouse", version), bad, new ReleaseLog());
  }

  @Test
  @Order(1)
  void aReleaseThatFailsEverywhereStopsAtTheCanariesAndHaltsTheFleetWithinOnePoll()
      throws Exception {
    SimHost.Release bad = release("1.0-bad", true);
    ReleaseLog log = bad.log();
    fleet.start(bad, 0, SIZE);
    waitUntil(
        "every host rolled back or told halted",
        () -> log.haltSeenAt.size() + log.failedAt.size() >= SIZE,
        Duration.ofSeconds(60));
    fleet.stopAll();
    if (Boolean.getBoolean("scale.debug")) {
      pg.sql("SELECT e.id, e.at, e.host, e.kind, e.detail FROM scale.rollout_event e ORDER BY id")
          .forEach(System.out::println);
    }

    assertThat(log.installed)
        .as("hosts that installed the bad release")
        .hasSizeLessThanOrEqualTo(3);
    assertThat(db.hosts("1.0-bad", "true")).isLessThanOrEqualTo(3);
    assertThat(db.state("1.0-bad")).isEqualTo("halted");
    assertThat(db.haltedWithAFailure("1.0-bad"))
        .as("halted by the 3rd failure's transaction")
        .isTrue();
    long third = log.failedAt.stream().sorted().skip(2).findFirst().orElseThrow();
    long lastHaltSeen = log.haltSeenAt.values().stream().max(Long::compare).orElseThrow();
    System.out.printf(
        "bad release: %d installed, %d failed, last of %d hosts told halted %d ms after the 3rd"
            + " failure%n",
        log.installed.size(), log.failedAt.size(), log.haltSeenAt.size(), ms(lastHaltSeen - third));
    // "Within one poll": every host asks once a poll, and the first question any host asked after
    // the 3rd failure had committed was answered "halted". Put in asks rather than milliseconds so
    // that a busy machine, which delays the asks themselves, cannot fail it; the figure is printed.
    List<String> answeredAfterHalt =
        log.lastNotHaltedAsk.entrySet().stream()
            .filter(e -> e.getValue() > third)
            .map(e -> e.getKey() + " +" + ms(e.getValue() - third) + " ms")
            .toList();
    assertThat(answeredAfterHalt).as("questions asked after the halt and not told so").isEmpty();
    assertThat(log.haltSeenAt).hasSizeGreaterThanOrEqualTo(SIZE - log.failedAt.size());
    assertThat(log.crashes).isEmpty();
  }

  @Test
  @Order(2)
  void aGoodReleaseHoldsAtMostMaxParallelSlotsAndFencesKilledAndPausedHolders() throws Exception {
    SimHost.Release good = release("2.0", false);
    ReleaseLog log = good.log();
    try (SlotSampler sampler = new SlotSampler(pg, SCHEMA, good.key(), 10, log)) {
      // The canaries first, so that the two holders in processes of their own join the rolling
      // stage at once rather than by lottery among 997 waiters.
      fleet.start(good, 0, 3);
      waitUntil("the canaries promote 2.0", () -> db.state("2.0").equals("rolling"), MINUTE);
      try (ChildHost killed = child("k0001", good);
          ChildHost paused = child("p0001", good)) {
        killed.await(MINUTE, "granted");
        long pausedEpoch =
            Long.parseLong(paused.await(MINUTE, "granted").substring("granted ".length()));
        fleet.start(good, 3, SIZE);
        long commits = db.commits();
        long asks = log.asks.get();
        long t = System.nanoTime();

        paused.signal("STOP");
        killed.signal("KILL");
        double killedAt = db.now();
        waitUntil("k0001 swept", () -> db.row("2.0", "k0001").startsWith("expired"), MINUTE);
        String grant = db.firstGrantAfter("2.0", "k0001", db.leaseUntil("2.0", "k0001"));
        assertThat(grant)
            .as("a grant after k0001's lease ran out: %s", db.state("2.0"))
            .isNotEmpty();
        double regranted = Double.parseDouble(grant);
        double leaseUntil = db.leaseUntil("2.0", "k0001");
        System.out.printf(
            "killed holder: its slot went to another host %.0f ms after SIGKILL, %.0f ms after"
                + " its lease ran out%n",
            (regranted - killedAt) * 1000, (regranted - leaseUntil) * 1000);
        // "Within TTL + one poll", on the database's clock: the lease ends at most a TTL after
        // the kill, and a waiter's next ask takes the slot. The second poll is the scheduling lag
        // of 1,000 clients on a shared two-core machine, not the agent's.
        assertThat((leaseUntil - killedAt) * 1000).isLessThanOrEqualTo(TTL);
        assertThat((regranted - leaseUntil) * 1000).isLessThanOrEqualTo(2 * POLL);

        waitUntil("p0001 swept", () -> db.row("2.0", "p0001").startsWith("expired"), MINUTE);
        assertThat(db.firstGrantAfter("2.0", "p0001", db.leaseUntil("2.0", "p0001"))).isNotEmpty();
        long loadNanos = System.nanoTime() - t;
        report(db.commits() - commits, log.asks.get() - asks, loadNanos);
        String row = db.row("2.0", "p0001");
        paused.signal("CONT");
        // Its beat runs first and finds the lease gone; then the install ends.
        Thread.sleep(POLL + POLL / 2);
        paused.tell("finish-install");
        assertThat(paused.await(MINUTE, "restarted", "not-restarted")).startsWith("not-restarted");
        assertThat(paused.await(MINUTE, "late"))
            .isEqualTo("late healthy=false complete=LOST failure=false renew=false");
        assertThat(paused.exited(MINUTE)).isTrue();
        assertThat(db.row("2.0", "p0001")).isEqualTo(row).contains("epoch " + pausedEpoch);
        // No late report of its own (a failure would be one): nothing after its expiry.
        assertThat(db.eventsAfterExpiry("2.0", "p0001")).isZero();
      }
      // However slowly a loaded machine gets the asks through, hosts must keep finishing.
      waitWhileProgressing(
          "2.0 on every host",
          () -> log.doneAt.size() == SIZE,
          () -> log.doneAt.size(),
          MINUTE,
          () -> db.state("2.0") + ", " + db.failures("2.0") + " failure(s), lost " + log.lost);
      sampler.close();
      System.out.printf(
          "good release: %d samples, at most %d live slots, %d hosts acting at once%n",
          sampler.samples(), sampler.maxLive(), sampler.maxActing());
      assertThat(sampler.violations()).isEmpty();
      assertThat(sampler.maxLive()).isLessThanOrEqualTo(10);
      assertThat(sampler.samples()).isGreaterThan(50);
    }
    assertThat(db.hosts("2.0", "state = 'done'")).isEqualTo(SIZE);
    assertThat(db.state("2.0")).isEqualTo("rolling");
    assertThat(log.crashes).isEmpty();
  }

  @Test
  @Order(3)
  void postgresRestartedMidRolloutAdmitsNobodyWhileDownAndProgressesSoonAfter() throws Exception {
    // Created with a lease_ttl longer than the outage: this is about admission, not expiry.
    db.one(
        "INSERT INTO S.rollout (grp, package, version, state, canary_count, max_parallel,"
            + " halt_after, lease_ttl, min_healthy) VALUES ('web', 'warehouse', '3.0', 'canary',"
            + " 3, 10, 3, interval '60 s', interval '0.2 s') RETURNING id");
    SimHost.Release r = release("3.0", false);
    ReleaseLog log = r.log();
    fleet.start(r, 0, SIZE);
    waitUntil("30 hosts on 3.0", () -> log.doneAt.size() >= 30, MINUTE);
    long errors = fleet.databaseErrors();
    pg.stop();
    long down = System.nanoTime();
    Thread.sleep(3000);
    long back = System.nanoTime();
    pg.startAgain();
    long up = System.nanoTime();
    long errorsWhileDown = fleet.databaseErrors() - errors;
    waitUntil(
        "an admission after the restart",
        () -> log.admissions.stream().anyMatch(a -> a.askedAt() > up),
        MINUTE);
    long progress =
        log.admissions.stream()
            .filter(a -> a.askedAt() > up)
            .mapToLong(ReleaseLog.Admission::installAt)
            .min()
            .orElseThrow();
    fleet.stopAll();
    System.out.printf(
        "restart: %d database errors while down, first admission %d ms after it was back%n",
        errorsWhileDown, ms(progress - up));
    String timeline =
        String.format(
            "PostgreSQL took %d ms to start again; after it was back, holders finished at %s ms,"
                + " the first questions were answered at %s ms",
            ms(up - back), afterUp(log.doneAt.values(), up, 10), afterUp(log.answeredAt, up, 10));
    System.out.println("restart: " + timeline);
    assertThat(errorsWhileDown).isPositive();
    assertThat(log.admissions).noneMatch(a -> a.askedAt() >= down && a.askedAt() <= back);
    assertThat(log.restarts)
        .noneMatch(x -> x.confirmAskedAt() >= down && x.confirmAskedAt() <= back);
    assertThat(ms(progress - up)).as(timeline).isLessThanOrEqualTo(10_000);
    assertThat(log.crashes).isEmpty();
  }

  private ChildHost child(String name, SimHost.Release r) throws Exception {
    return new ChildHost(pg, SCHEMA, name, r.key(), POLL, TTL);
  }

  /** The database load of waiting hosts: commits per second and per ask, and at scale. */
  private static void report(long commits, long asks, long nanos) {
    double seconds = nanos / 1e9;
    double perAsk = (double) commits / asks;
    System.out.printf(
        "load: %d commits, %d asks in %.1f s: %.0f commits/s at the %.0f asks/s this machine got"
            + " through, %.2f commits per ask; %d agents waiting at the default 30 s poll: %.1f"
            + " commits/s; one ask per host per 30 m interval: %.2f commits/s%n",
        commits,
        asks,
        seconds,
        commits / seconds,
        asks / seconds,
        perAsk,
        SIZE,
        SIZE * perAsk / 30,
        SIZE * perAsk / 1800);
  }

  private static List<Long> afterUp(Collection<Long> times, long up, int first) {
    return times.stream().filter(t -> t > up).map(t -> ms(t - up)).sorted().limit(first).toList();
  }

  static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  /** Waits for {@code done} while {@code progress} keeps growing; fails after {@code stall}. */
  static void waitWhileProgressing(
      String what,
      BooleanSupplier done,
      IntSupplier progress,
      Duration stall,
      Supplier<String> state)
      throws InterruptedException {
    int last = progress.getAsInt();
    long since = System.nanoTime();
    while (!done.getAsBoolean()) {
      int now = progress.getAsInt();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > stall.toNanos()) {
        throw new AssertionError(
            "no progress for " + stall + " at " + now + ": " + what + " (" + state.get() + ")");
      }
      Thread.sleep(50);
    }
  }

  static void waitUntil(String what, BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
