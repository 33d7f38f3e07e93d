package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What operators ask of a group's rollouts: their state, halt, resume, free a stranded slot. */
public final class RolloutAdmin {
  /** How many recent events a status shows per rollout. */
  static final int EVENTS = 20;

  private final PgConnections db;
  private final Sql sql;
  private final Failures failures;

  public RolloutAdmin(PgConnections db) {
    this.db = db;
    this.sql = new Sql(db.schema());
    this.failures = new Failures(sql);
  }

  /** Every rollout of {@code group}, newest first (expired leases swept first). */
  public List<RolloutView> status(String group) throws RolloutException {
    return db.inTransaction(
        c -> {
          List<RolloutView> out = new ArrayList<>();
          for (long id : ids(c, group)) {
            sweep(c, id);
            out.add(view(c, id));
          }
          return out;
        });
  }

  /** Halts the rollout of {@code version}; false when there is none, or it was halted already. */
  public boolean halt(String group, String version, String reason) throws RolloutException {
    return change(
        group,
        version,
        "UPDATE S.rollout SET state = 'halted', halted_reason = ?, updated_at = clock_timestamp()"
            + " WHERE id = ? AND state <> 'halted'",
        "halted",
        reason);
  }

  /**
   * Resumes a halted rollout with its failures reset (back to the canary stage unless the canaries
   * had passed), or ends a canary stage an operator no longer wants to wait for.
   */
  public boolean resume(String group, String version) throws RolloutException {
    return change(
        group,
        version,
        "UPDATE S.rollout SET failures = 0, halted_reason = NULL, updated_at = clock_timestamp(),"
            // A rollout created without canaries (canary: 0) has no canary stage to go back to.
            + " state = CASE WHEN state = 'halted' AND NOT was_promoted"
            + "   AND (canary_count > 0 OR cardinality(canary_hosts) > 0) THEN 'canary'"
            + "   ELSE 'rolling' END,"
            + " was_promoted = was_promoted OR state = 'canary' WHERE id = ? AND state <> 'rolling'",
        "resumed",
        "by an operator");
  }

  /** Frees the slots {@code host} holds in {@code group}; how many (not counted as failures). */
  public int release(String group, String host) throws RolloutException {
    return db.inTransaction(
        c -> {
          int n = 0;
          for (long id : ids(c, group)) {
            int freed =
                sql.update(
                    c,
                    "UPDATE S.rollout_host SET state = 'released', finished_at = clock_timestamp(),"
                        + " reason = 'released by an operator' WHERE rollout_id = ? AND host = ?"
                        + " AND state IN ('installing', 'verifying')",
                    id,
                    host);
            if (freed > 0) {
              sql.event(c, id, host, "released", "slot freed by an operator");
            }
            n += freed;
          }
          return n;
        });
  }

  private boolean change(String group, String version, String update, String kind, String detail)
      throws RolloutException {
    return db.inTransaction(
        c -> {
          boolean any = false;
          for (long id : idsOf(c, group, version)) {
            // Only a halt carries its reason into the row.
            int n =
                kind.equals("halted")
                    ? sql.update(c, update, detail, id)
                    : sql.update(c, update, id);
            if (n == 1) {
              sql.event(c, id, null, kind, detail);
              any = true;
            }
          }
          return any;
        });
  }

  /** The database's clock now: every lease and event time is by it, never a host's. */
  public java.time.Instant databaseTime() throws RolloutException {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
          }
        });
  }

  /** Whether {@code group} has a rollout of {@code version}. */
  public boolean exists(String group, String version) throws RolloutException {
    return db.inTransaction(c -> !idsOf(c, group, version).isEmpty());
  }

  private void sweep(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        sql.prepare(c, "SELECT 1 FROM S.rollout WHERE id = ? FOR NO KEY UPDATE", id)) {
      ps.executeQuery().close();
    }
    failures.sweepExpired(c, id);
  }

  private List<Long> ids(Connection c, String group) throws SQLException {
    return longs(c, "SELECT id FROM S.rollout WHERE grp = ? ORDER BY id DESC", group);
  }

  private List<Long> idsOf(Connection c, String group, String version) throws SQLException {
    return longs(
        c, "SELECT id FROM S.rollout WHERE grp = ? AND version = ? ORDER BY id", group, version);
  }

  private List<Long> longs(Connection c, String q, Object... args) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = sql.prepare(c, q, args);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private RolloutView view(Connection c, long id) throws SQLException {
    return new RolloutViews(sql).read(c, id);
  }

  static Optional<java.time.Instant> instant(Timestamp t) {
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }
}
