package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;

/** Admission, leases, fencing and halts against a real PostgreSQL (a fresh schema per test). */
class RolloutStorePostgresIT {
  private static final RolloutKey KEY = new RolloutKey("web", "warehouse", "18.09.02");
  private static final Duration LONG = Duration.ofMinutes(5);

  private final List<PgConnections> opened = new ArrayList<>();
  private Settings.RolloutDatabase db;

  @BeforeEach
  void schema() {
    db = Rollouts.freshSchema("127.0.0.1", TestDatabase.port());
  }

  @AfterEach
  void close() {
    opened.forEach(PgConnections::close);
  }

  /** One host's own client, with its own connection, as on a real fleet. */
  private Client host(String name) {
    PgConnections c = new PgConnections(db, () -> Optional.of(TestDatabase.password()));
    opened.add(c);
    return new Client(
        new HostId(name), new RolloutStore(c), new LeaseStore(c), new RolloutAdmin(c));
  }

  record Client(HostId id, RolloutStore store, LeaseStore leases, RolloutAdmin admin) {
    Decision ask(RolloutRules rules) throws RolloutException {
      return store.admit(id, KEY, rules);
    }
  }

  private static Slot granted(Decision d) {
    assertThat(d).isInstanceOf(Decision.Granted.class);
    return ((Decision.Granted) d).slot();
  }

  @Test
  void theFirstHostIsTheCanaryAndTheRestWaitUntilItHasBeenHealthyLongEnough() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 10, 3, LONG, Duration.ofSeconds(1));
    Client a = host("a");
    Client b = host("b");
    Slot sa = granted(a.ask(rules));
    assertThat(sa.canary()).isTrue();
    Decision wait = b.ask(rules);
    assertThat(wait).isInstanceOf(Decision.Waiting.class);
    assertThat(wait.why()).contains("canaries first: 0 of 1");

    assertThat(a.leases().reportHealthy(sa)).isTrue();
    assertThat(a.leases().complete(sa)).isEqualTo(LeaseStore.Completion.NOT_YET);
    assertThat(b.ask(rules)).isInstanceOf(Decision.Waiting.class);
    Thread.sleep(1100);
    assertThat(a.leases().complete(sa)).isEqualTo(LeaseStore.Completion.DONE);

    Slot sb = granted(b.ask(rules));
    assertThat(sb.canary()).isFalse();
    RolloutView v = a.admin().status("web").get(0);
    assertThat(v.state()).isEqualTo(RolloutState.ROLLING);
    assertThat(v.count(HostState.DONE)).isEqualTo(1);
    assertThat(v.count(HostState.INSTALLING)).isEqualTo(1);
    assertThat(v.events())
        .extracting(RolloutView.EventView::kind)
        .containsSubsequence("created", "granted", "healthy", "done", "promoted", "granted");
  }

  @Test
  void neverMoreThanMaxParallelHoldASlotWhenManyAskAtOnce() throws Exception {
    RolloutRules rules = Rollouts.rules(0, 4, 100, LONG, Duration.ZERO);
    List<Client> hosts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      hosts.add(host("h" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(24);
    int granted = 0;
    try {
      // All at once; a host told that another is being admitted asks again (its next poll), at
      // once with the others so told.
      List<Client> asking = hosts;
      for (int round = 0; !asking.isEmpty(); round++) {
        assertThat(round).as("rounds of asks").isLessThan(50);
        List<Future<Decision>> answers = new ArrayList<>();
        for (Client c : asking) {
          answers.add(pool.submit(() -> c.ask(rules)));
        }
        List<Client> again = new ArrayList<>();
        for (int i = 0; i < asking.size(); i++) {
          Decision d = answers.get(i).get();
          if (d instanceof Decision.Granted) {
            granted++;
          } else if (d.why().contains("another host is being admitted")) {
            again.add(asking.get(i));
          }
        }
        // Every host that asked is a holder or a waiter, whatever it was told.
        RolloutView v = hosts.get(0).admin().status("web").get(0);
        assertThat(v.count(HostState.INSTALLING) + v.waiting().size()).isEqualTo(24);
        asking = again;
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(granted).isEqualTo(4);
    RolloutView v = hosts.get(0).admin().status("web").get(0);
    assertThat(v.count(HostState.INSTALLING)).isEqualTo(4);
    assertThat(v.waiting()).hasSize(20);
  }

  @Test
  void aHostThatAsksAgainGetsItsSlotBackWithANewEpochThatFencesTheOldOne() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 1, 3, LONG, Duration.ZERO);
    Client a = host("a");
    Slot first = granted(a.ask(rules));
    Decision again = a.ask(rules);
    Slot second = granted(again);
    assertThat(((Decision.Granted) again).again()).isTrue();
    assertThat(second.epoch()).isGreaterThan(first.epoch());
    assertThat(a.leases().renew(first)).isFalse();
    assertThat(a.leases().reportHealthy(first)).isFalse();
    assertThat(a.leases().renew(second)).isTrue();
    assertThat(a.leases().held(a.id(), "web")).contains(second);
  }

  @Test
  void failuresHaltTheRolloutInTheSameTransactionAndNobodyIsAdmittedAgain() throws Exception {
    RolloutRules rules = Rollouts.rules(3, 10, 2, LONG, Duration.ZERO);
    Client a = host("a");
    Client b = host("b");
    Client c = host("c");
    Client d = host("d");
    Slot sa = granted(a.ask(rules));
    Slot sb = granted(b.ask(rules));
    Slot sc = granted(c.ask(rules));
    assertThat(a.leases().reportFailure(sa, "warehouse.service failed its health check")).isTrue();
    // A failed canary's spot is not handed on.
    assertThat(d.ask(rules)).isInstanceOf(Decision.Waiting.class);
    assertThat(b.leases().reportFailure(sb, "crashed at start")).isTrue();

    Decision halted = a.ask(rules);
    assertThat(halted).isInstanceOf(Decision.Halted.class);
    assertThat(halted.why())
        .contains("2 failure(s), the limit is 2")
        .contains("b: crashed at start");
    assertThat(host("e").ask(rules)).isInstanceOf(Decision.Halted.class);
    // A holder of a halted rollout cannot confirm its slot: it restarts nothing.
    assertThat(c.leases().renew(sc)).isFalse();
    RolloutView v = a.admin().status("web").get(0);
    assertThat(v.state()).isEqualTo(RolloutState.HALTED);
    assertThat(v.failures()).isEqualTo(2);
  }

  @Test
  void aLeaseThatRunsOutWithoutAHealthyReportCountsAsAFailureAndFreesTheSlot() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 1, 3, Duration.ofSeconds(2), Duration.ZERO);
    Client a = host("a");
    Client b = host("b");
    Slot sa = granted(a.ask(rules));
    assertThat(b.ask(rules)).isInstanceOf(Decision.Waiting.class);
    Thread.sleep(2200);
    // b is the next canary: a's slot expired (counted), and no other canary is in flight.
    Slot sb = granted(b.ask(rules));
    assertThat(sb.canary()).isTrue();
    assertThat(a.leases().renew(sa)).isFalse();
    assertThat(a.leases().reportFailure(sa, "too late")).isFalse();
    RolloutView v = a.admin().status("web").get(0);
    assertThat(v.failures()).isEqualTo(1);
    assertThat(v.hosts())
        .filteredOn(h -> h.host().equals("a"))
        .extracting(RolloutView.HostView::state)
        .containsExactly(HostState.EXPIRED);
  }

  @Test
  void aReleaseThatFailsEverywhereReachesTheCanariesAndNoMore() throws Exception {
    RolloutRules rules = Rollouts.rules(3, 10, 3, LONG, Duration.ZERO);
    List<Client> hosts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      hosts.add(host("h" + i));
    }
    int installed = 0;
    // Hosts ask in turn; each one admitted fails at once, before the next asks.
    for (int round = 0; round < 3; round++) {
      for (Client c : hosts) {
        Decision d = c.ask(rules);
        if (d instanceof Decision.Granted g) {
          installed++;
          assertThat(c.leases().reportFailure(g.slot(), "crashed at start")).isTrue();
        }
      }
    }
    assertThat(installed).isEqualTo(3);
    assertThat(hosts.get(7).ask(rules)).isInstanceOf(Decision.Halted.class);
  }

  @Test
  void aLeaseThatRunsOutAfterAHealthyReportIsNotAFailure() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 1, 1, Duration.ofSeconds(2), LONG);
    Client a = host("a");
    Slot sa = granted(a.ask(rules));
    assertThat(a.leases().reportHealthy(sa)).isTrue();
    Thread.sleep(2200);
    RolloutView v = a.admin().status("web").get(0);
    assertThat(v.failures()).isZero();
    assertThat(v.state()).isEqualTo(RolloutState.CANARY);
  }

  @Test
  void operatorsHaltResumeAndFreeAStrandedSlot() throws Exception {
    RolloutRules rules = Rollouts.rules(1, 1, 3, LONG, Duration.ZERO);
    Client a = host("a");
    Client b = host("b");
    Slot sa = granted(a.ask(rules));
    assertThat(a.admin().release("web", "a")).isEqualTo(1);
    assertThat(a.leases().renew(sa)).isFalse();
    assertThat(a.admin().halt("web", "18.09.02", "bad release")).isTrue();
    assertThat(a.admin().halt("web", "18.09.02", "again")).isFalse();
    assertThat(b.ask(rules).why()).contains("bad release");
    assertThat(a.admin().resume("web", "18.09.02")).isTrue();
    assertThat(granted(b.ask(rules)).canary()).isTrue();
    assertThat(a.admin().status("web").get(0).failures()).isZero();
    assertThat(a.admin().halt("web", "9.9", "none")).isFalse();
  }

  @Test
  void anUnreachableDatabaseIsAnErrorThatNamesIt() {
    Settings.RolloutDatabase nowhere =
        new Settings.RolloutDatabase(
            "127.0.0.1",
            1,
            "x",
            "agent",
            Optional.empty(),
            "s",
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    PgConnections c = new PgConnections(nowhere, Optional::empty);
    opened.add(c);
    RolloutStore store = new RolloutStore(c);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store.admit(new HostId("a"), KEY, Rollouts.rules(1, 1, 1, LONG, LONG)))
        .isInstanceOf(RolloutException.class)
        .hasMessageContaining("rollout database jdbc:postgresql://127.0.0.1:1/x")
        .hasMessageContaining("Connection");
  }
}
