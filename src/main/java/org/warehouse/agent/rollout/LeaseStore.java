package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What a slot's holder does with it, each a short transaction checked against the slot's epoch and
 * the database's clock: renew the lease, report healthy, finish, report a failure. A holder whose
 * epoch is no longer the row's, whose lease ran out, or whose rollout was halted has lost its slot,
 * and every call says so.
 */
public final class LeaseStore {
  private static final String HOLDS =
      " AND h.epoch = ? AND h.state IN ('installing', 'verifying')"
          + " AND h.lease_until >= clock_timestamp()";

  private final PgConnections db;
  private final Sql sql;
  private final Failures failures;

  public LeaseStore(PgConnections db) {
    this.db = db;
    this.sql = new Sql(db.schema());
    this.failures = new Failures(sql);
  }

  /** Extends the lease by the rollout's lease_ttl; false when the slot was lost. */
  public boolean renew(Slot slot) throws RolloutException {
    return db.inTransaction(c -> renew(c, slot));
  }

  private boolean renew(Connection c, Slot slot) throws SQLException {
    return sql.update(
            c,
            "UPDATE S.rollout_host h SET lease_until = clock_timestamp() + r.lease_ttl"
                + " FROM S.rollout r WHERE r.id = h.rollout_id AND r.state <> 'halted'"
                + " AND h.rollout_id = ? AND h.host = ?"
                + HOLDS,
            slot.rolloutId(),
            slot.host().name(),
            slot.epoch())
        == 1;
  }

  /** The change is in place and healthy: min_healthy_time starts now. False: slot lost. */
  public boolean reportHealthy(Slot slot) throws RolloutException {
    return db.inTransaction(
        c -> {
          int n =
              sql.update(
                  c,
                  "UPDATE S.rollout_host h SET state = 'verifying',"
                      + " healthy_since = coalesce(h.healthy_since, clock_timestamp()),"
                      + " lease_until = clock_timestamp() + r.lease_ttl"
                      + " FROM S.rollout r WHERE r.id = h.rollout_id AND r.state <> 'halted'"
                      + " AND h.rollout_id = ? AND h.host = ?"
                      + HOLDS,
                  slot.rolloutId(),
                  slot.host().name(),
                  slot.epoch());
          if (n == 1) {
            sql.event(c, slot.rolloutId(), slot.host().name(), "healthy", "epoch " + slot.epoch());
          }
          return n == 1;
        });
  }

  /** What {@link #complete} found. */
  public enum Completion {
    /** Healthy for min_healthy_time: the slot is released. */
    DONE,
    /** Not healthy long enough yet (or not reported healthy): the lease was renewed. */
    NOT_YET,
    /** The slot is no longer this holder's. */
    LOST
  }

  /**
   * Releases the slot when the host has been healthy for the rollout's min_healthy_time, and ends
   * the canary stage when this was the last canary needed; otherwise renews the lease.
   */
  public Completion complete(Slot slot) throws RolloutException {
    return db.inTransaction(
        c -> {
          lockRollout(c, slot.rolloutId());
          int n =
              sql.update(
                  c,
                  "UPDATE S.rollout_host h SET state = 'done', finished_at = clock_timestamp()"
                      + " FROM S.rollout r WHERE r.id = h.rollout_id AND r.state <> 'halted'"
                      + " AND h.rollout_id = ? AND h.host = ?"
                      + HOLDS
                      + " AND h.healthy_since + r.min_healthy <= clock_timestamp()",
                  slot.rolloutId(),
                  slot.host().name(),
                  slot.epoch());
          if (n == 0) {
            return renew(c, slot) ? Completion.NOT_YET : Completion.LOST;
          }
          sql.event(c, slot.rolloutId(), slot.host().name(), "done", "slot released");
          promoteIfCanariesDone(c, slot.rolloutId());
          return Completion.DONE;
        });
  }

  /**
   * The change failed here and was rolled back: counts a failure (halting the rollout at its limit)
   * and releases the slot. False when the slot was already lost; its expiry counted then.
   */
  public boolean reportFailure(Slot slot, String reason) throws RolloutException {
    return db.inTransaction(
        c -> {
          lockRollout(c, slot.rolloutId());
          int n =
              sql.update(
                  c,
                  "UPDATE S.rollout_host h SET state = 'failed', finished_at = clock_timestamp(),"
                      + " reason = ? WHERE h.rollout_id = ? AND h.host = ?"
                      + HOLDS,
                  reason,
                  slot.rolloutId(),
                  slot.host().name(),
                  slot.epoch());
          if (n == 1) {
            sql.event(c, slot.rolloutId(), slot.host().name(), "failed", reason);
            failures.count(c, slot.rolloutId(), 1, slot.host().name() + ": " + reason);
          }
          return n == 1;
        });
  }

  /** The live slot {@code host} holds in {@code group}, if any: for an agent that restarted. */
  public Optional<Slot> held(HostId host, String group) throws RolloutException {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              sql.prepare(
                  c,
                  "SELECT r.id, r.package, r.version, h.epoch, h.canary FROM S.rollout_host h"
                      + " JOIN S.rollout r ON r.id = h.rollout_id WHERE h.host = ? AND r.grp = ?"
                      + " AND h.state IN ('installing', 'verifying')"
                      + " AND h.lease_until >= clock_timestamp() ORDER BY h.granted_at DESC"
                      + " LIMIT 1",
                  host.name(),
                  group)) {
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Slot>empty();
              }
              return Optional.of(
                  new Slot(
                      rs.getLong(1),
                      new RolloutKey(group, rs.getString(2), rs.getString(3)),
                      host,
                      rs.getLong(4),
                      rs.getBoolean(5)));
            }
          }
        });
  }

  private void lockRollout(Connection c, long rolloutId) throws SQLException {
    try (PreparedStatement ps =
        sql.prepare(c, "SELECT 1 FROM S.rollout WHERE id = ? FOR NO KEY UPDATE", rolloutId)) {
      ps.executeQuery().close();
    }
  }

  private void promoteIfCanariesDone(Connection c, long rolloutId) throws SQLException {
    int n =
        sql.update(
            c,
            "UPDATE S.rollout r SET state = 'rolling', was_promoted = true,"
                + " updated_at = clock_timestamp() WHERE r.id = ? AND r.state = 'canary'"
                + " AND (SELECT count(*) FROM S.rollout_host h WHERE h.rollout_id = r.id"
                + "   AND h.canary AND h.state = 'done') >= r.canary_count",
            rolloutId);
    if (n == 1) {
      sql.event(c, rolloutId, null, "promoted", "canaries healthy: admitting the rest");
    }
  }
}
