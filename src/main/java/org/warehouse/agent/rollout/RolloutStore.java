package org.warehouse.agent.rollout;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Admission to a rollout: a host asks for a slot of (group, package, version); the first to ask
 * creates the rollout with its rules. A host that would only be told to wait is answered from a
 * plain read; a grant, a first ask or an expired lease takes the rollout's row lock, so admissions
 * to one rollout are serialized and never exceed max_parallel.
 */
public final class RolloutStore {
  private final PgConnections db;
  private final Sql sql;
  private final Failures failures;

  public RolloutStore(PgConnections db) {
    this.db = db;
    this.sql = new Sql(db.schema());
    this.failures = new Failures(sql);
  }

  /** Asks for a slot of {@code key} for {@code host}. */
  public Decision admit(HostId host, RolloutKey key, RolloutRules rules) throws RolloutException {
    Optional<Decision> quick =
        db.inTransaction(
            c -> {
              Optional<Snapshot> s = sql.snapshot(c, key, host);
              if (s.isEmpty() || s.get().expired() > 0) {
                return Optional.empty();
              }
              AdmissionRule.Verdict v = AdmissionRule.decide(s.get(), host);
              return answerWithoutLock(c, s.get(), host, v);
            });
    if (quick.isPresent()) {
      return quick.get();
    }
    return db.inTransaction(c -> admitLocked(c, host, key, rules));
  }

  private Optional<Decision> answerWithoutLock(
      Connection c, Snapshot s, HostId host, AdmissionRule.Verdict v) throws SQLException {
    if (v instanceof AdmissionRule.Wait w) {
      waiting(c, s.id(), host);
      return Optional.of(new Decision.Waiting(w.why()));
    }
    if (v instanceof AdmissionRule.Stop stop) {
      return Optional.of(new Decision.Halted(stop.why()));
    }
    return Optional.empty();
  }

  private Decision admitLocked(Connection c, HostId host, RolloutKey key, RolloutRules rules)
      throws SQLException {
    create(c, key, rules);
    OptionalLong locked = lock(c, key);
    if (locked.isEmpty()) {
      // Another host is being admitted this very moment. Queueing behind it is what a thousand
      // waiters that all saw a free slot would do, each then timing out on the lock: ask again,
      // counted among the waiters meanwhile (status shows every host that asked).
      waiting(c, rolloutId(c, key), host);
      return new Decision.Waiting("another host is being admitted to this rollout");
    }
    // A statement of its own after the lock: in READ COMMITTED a statement that waited for the
    // row lock still counts the hosts as they were when it began, missing the grant it waited for.
    Snapshot s = sql.snapshot(c, key, host).orElseThrow();
    if (s.expired() > 0) {
      failures.sweepExpired(c, s.id());
      s = sql.snapshot(c, key, host).orElseThrow();
    }
    AdmissionRule.Verdict v = AdmissionRule.decide(s, host);
    if (v instanceof AdmissionRule.Wait w) {
      waiting(c, s.id(), host);
      return new Decision.Waiting(w.why());
    }
    if (v instanceof AdmissionRule.Stop stop) {
      return new Decision.Halted(stop.why());
    }
    boolean again = v instanceof AdmissionRule.Again;
    boolean canary =
        v instanceof AdmissionRule.Again a ? a.canary() : ((AdmissionRule.Grant) v).canary();
    long epoch = s.epoch() + 1;
    sql.update(
        c,
        "UPDATE S.rollout SET epoch = ?, updated_at = clock_timestamp() WHERE id = ?",
        epoch,
        s.id());
    String lease = "clock_timestamp() + (SELECT lease_ttl FROM S.rollout WHERE id = ?)";
    sql.update(
        c,
        "INSERT INTO S.rollout_host (rollout_id, host, canary, state, epoch, lease_until,"
            + " granted_at) VALUES (?, ?, ?, 'installing', ?, "
            + lease
            + ", clock_timestamp())"
            + " ON CONFLICT (rollout_id, host) DO UPDATE SET canary = EXCLUDED.canary,"
            + " epoch = EXCLUDED.epoch, lease_until = EXCLUDED.lease_until,"
            + (again
                ? " state = S.rollout_host.state"
                : " state = 'installing', healthy_since = NULL, granted_at = clock_timestamp(),"
                    + " finished_at = NULL, reason = NULL"),
        s.id(),
        host.name(),
        canary,
        epoch,
        s.id());
    sql.update(
        c, "DELETE FROM S.rollout_waiter WHERE rollout_id = ? AND host = ?", s.id(), host.name());
    Slot slot = new Slot(s.id(), key, host, epoch, canary);
    sql.event(
        c,
        s.id(),
        host.name(),
        again ? "regranted" : "granted",
        (canary ? "canary, " : "") + "epoch " + epoch);
    return new Decision.Granted(slot, again);
  }

  /**
   * Takes the rollout's row lock, returning its id; empty when another transaction holds it. NO KEY
   * UPDATE, as every writer of the row takes it: writers exclude each other, while the rows that
   * reference the rollout (waiters, events) are still inserted meanwhile, as their foreign key's
   * KEY SHARE lock conflicts only with FOR UPDATE.
   */
  private OptionalLong lock(Connection c, RolloutKey key) throws SQLException {
    return rolloutRow(c, key, " FOR NO KEY UPDATE SKIP LOCKED");
  }

  private long rolloutId(Connection c, RolloutKey key) throws SQLException {
    OptionalLong id = rolloutRow(c, key, "");
    if (id.isEmpty()) {
      throw new SQLException("rollout " + key + " vanished");
    }
    return id.getAsLong();
  }

  /** The id of {@code key}'s rollout row, read with {@code lockClause}; empty when none is had. */
  private OptionalLong rolloutRow(Connection c, RolloutKey key, String lockClause)
      throws SQLException {
    try (java.sql.PreparedStatement ps =
            sql.prepare(
                c,
                "SELECT id FROM S.rollout WHERE grp = ? AND package = ? AND version = ?"
                    + lockClause,
                key.group(),
                key.pkg(),
                key.version());
        java.sql.ResultSet rs = ps.executeQuery()) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    }
  }

  private void create(Connection c, RolloutKey key, RolloutRules rules) throws SQLException {
    Array canaries = c.createArrayOf("text", rules.canaryHosts().toArray());
    try (java.sql.PreparedStatement ps =
        sql.prepare(
            c,
            "INSERT INTO S.rollout (grp, package, version, state, canary_hosts, canary_count,"
                + " max_parallel, halt_after, lease_ttl, min_healthy)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, make_interval(secs => ?),"
                + " make_interval(secs => ?))"
                + " ON CONFLICT (grp, package, version) DO NOTHING RETURNING id",
            key.group(),
            key.pkg(),
            key.version(),
            rules.canaryCount() == 0 ? "rolling" : "canary",
            canaries,
            rules.canaryCount(),
            rules.maxParallel(),
            rules.haltAfterFailures(),
            rules.leaseTtl().toMillis() / 1000.0,
            rules.minHealthyTime().toMillis() / 1000.0)) {
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          sql.event(c, rs.getLong(1), null, "created", "rules: " + rules);
        }
      }
    }
  }

  private void waiting(Connection c, long rolloutId, HostId host) throws SQLException {
    sql.update(
        c,
        "INSERT INTO S.rollout_waiter (rollout_id, host) VALUES (?, ?) ON CONFLICT DO NOTHING",
        rolloutId,
        host.name());
  }
}
