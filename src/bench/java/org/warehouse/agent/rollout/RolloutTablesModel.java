package org.warehouse.agent.rollout;

import java.util.List;

/**
 * One rollout's rows in memory for the fleet simulation, changed as RolloutStore, LeaseStore and
 * Failures change them in SQL (their conditions re-stated; admission and promotion are the real
 * {@link AdmissionRule}), counting the transactions each call makes. Time: simulated ms.
 */
final class RolloutTablesModel {
  /** The admission decision: {@link AdmissionRule#decide}, or a broken one in a test. */
  @FunctionalInterface
  interface Rule {
    AdmissionRule.Verdict decide(Snapshot s, HostId host);
  }

  private static final RolloutKey KEY = new RolloutKey("fleet", "warehouse", "2");

  private final RolloutRules rules;
  private final Rule rule;
  private final TxLog log;
  private final HostId[] ids;
  private final HostRows rows;
  private boolean exists;
  private RolloutState state;
  private int failures;
  private long epoch;
  private String haltedReason = "";
  private boolean promoted;
  private long promotedAt = -1;
  private long haltedAt = -1;

  RolloutTablesModel(RolloutRules rules, Rule rule, TxLog log, HostId[] ids) {
    this.rules = rules;
    this.rule = rule;
    this.log = log;
    this.ids = ids;
    this.rows = new HostRows(ids.length);
  }

  /** RolloutStore.admit: a plain read; a grant, first ask or expired lease then the locked one. */
  Decision admit(int h, long now) {
    if (exists && rows.expired(now) == 0) {
      AdmissionRule.Verdict v = rule.decide(snapshot(h, now), ids[h]);
      if (v instanceof AdmissionRule.Wait w) {
        log.tx(TxLog.Kind.WAIT, now, false);
        return new Decision.Waiting(w.why());
      }
      if (v instanceof AdmissionRule.Stop stop) {
        log.tx(TxLog.Kind.HALTED, now, false);
        return new Decision.Halted(stop.why());
      }
    }
    log.tx(TxLog.Kind.ADMIT, now, false);
    log.tx(TxLog.Kind.ADMIT, now, true);
    if (!exists) {
      exists = true;
      state = rules.canaryCount() == 0 ? RolloutState.ROLLING : RolloutState.CANARY;
    }
    if (rows.expired(now) > 0) {
      sweepExpired(now);
    }
    AdmissionRule.Verdict v = rule.decide(snapshot(h, now), ids[h]);
    if (v instanceof AdmissionRule.Wait w) {
      return new Decision.Waiting(w.why());
    }
    if (v instanceof AdmissionRule.Stop stop) {
      return new Decision.Halted(stop.why());
    }
    boolean again = v instanceof AdmissionRule.Again;
    boolean isCanary =
        v instanceof AdmissionRule.Again a ? a.canary() : ((AdmissionRule.Grant) v).canary();
    epoch++;
    // ON CONFLICT: a re-grant keeps its state and healthy_since; a new grant starts over.
    rows.put(h, again ? rows.state(h) : HostState.INSTALLING, isCanary);
    if (!again) {
      rows.healthySince(h, -1);
    }
    rows.epoch(h, epoch);
    rows.lease(h, now + rules.leaseTtl().toMillis());
    return new Decision.Granted(new Slot(1, KEY, ids[h], epoch, isCanary), again);
  }

  /** What {@code h} would be told now, without asking (no transaction). */
  AdmissionRule.Verdict peek(int h, long now) {
    if (!exists) {
      return new AdmissionRule.Grant(rules.canaryCount() > 0);
    }
    return rule.decide(snapshot(h, now), ids[h]);
  }

  /** LeaseStore.renew. */
  boolean renew(Slot s, long now) {
    log.tx(TxLog.Kind.RENEW, now, false);
    return renewed(s, now);
  }

  private boolean renewed(Slot s, long now) {
    int h = host(s);
    if (state == RolloutState.HALTED || !rows.holds(h, s.epoch(), now)) {
      return false;
    }
    rows.lease(h, now + rules.leaseTtl().toMillis());
    return true;
  }

  /** LeaseStore.reportHealthy. */
  boolean reportHealthy(Slot s, long now) {
    log.tx(TxLog.Kind.HEALTHY, now, false);
    int h = host(s);
    if (state == RolloutState.HALTED || !rows.holds(h, s.epoch(), now)) {
      return false;
    }
    rows.put(h, HostState.VERIFYING, rows.canary(h));
    if (rows.healthySince(h) < 0) {
      rows.healthySince(h, now);
    }
    rows.lease(h, now + rules.leaseTtl().toMillis());
    return true;
  }

  /** LeaseStore.complete: released once healthy for min_healthy_time; promotes the canaries. */
  LeaseStore.Completion complete(Slot s, long now) {
    log.tx(TxLog.Kind.COMPLETE, now, true);
    int h = host(s);
    if (state == RolloutState.HALTED
        || !rows.holds(h, s.epoch(), now)
        || rows.healthySince(h) < 0
        || rows.healthySince(h) + rules.minHealthyTime().toMillis() > now) {
      return renewed(s, now) ? LeaseStore.Completion.NOT_YET : LeaseStore.Completion.LOST;
    }
    rows.put(h, HostState.DONE, rows.canary(h));
    // The SQL counts done canaries against canary_count: the rule AdmissionRule.promotes states.
    if (AdmissionRule.promotes(state, rules.canaryCount(), rows.canariesDone())) {
      state = RolloutState.ROLLING;
      promoted = true;
      promotedAt = now;
    }
    return LeaseStore.Completion.DONE;
  }

  /** LeaseStore.reportFailure: counted, halting at halt_after (no halted check, as in SQL). */
  boolean reportFailure(Slot s, long now) {
    log.tx(TxLog.Kind.FAILURE, now, true);
    int h = host(s);
    if (!rows.holds(h, s.epoch(), now)) {
      return false;
    }
    rows.put(h, HostState.FAILED, rows.canary(h));
    count(1, now);
    return true;
  }

  /** Failures.sweepExpired: a failure for each expired lease without a healthy report. */
  private void sweepExpired(long now) {
    int counted = 0;
    for (int h : rows.liveHosts()) {
      if (rows.leaseUntil(h) < now) {
        rows.put(h, HostState.EXPIRED, rows.canary(h));
        if (rows.healthySince(h) < 0) {
          counted++;
        }
      }
    }
    if (counted > 0) {
      count(counted, now);
    }
  }

  /** Failures.count: the failure that reaches halt_after halts the rollout. */
  private void count(int n, long now) {
    failures += n;
    if (failures >= rules.haltAfterFailures() && state != RolloutState.HALTED) {
      state = RolloutState.HALTED;
      haltedReason = failures + " failure(s), the limit is " + rules.haltAfterFailures();
      haltedAt = now;
    }
  }

  private Snapshot snapshot(int h, long now) {
    return new Snapshot(
        1,
        state,
        List.of(),
        rules.canaryCount(),
        rules.maxParallel(),
        rules.haltAfterFailures(),
        failures,
        epoch,
        haltedReason,
        rows.live(),
        rows.expired(now),
        rows.canaries(),
        rows.canariesDone(),
        rows.mine(h, now));
  }

  private static int host(Slot s) {
    return Integer.parseInt(s.host().name().substring("host-".length()));
  }

  RolloutState state() {
    return state;
  }

  boolean promoted() {
    return promoted;
  }

  /** When the canaries passed and the rest were let in, or -1. */
  long promotedAt() {
    return promotedAt;
  }

  /** When the rollout was halted, or -1. */
  long haltedAt() {
    return haltedAt;
  }

  /** Rows holding a slot: what max_parallel bounds. */
  int live() {
    return rows.live();
  }
}
