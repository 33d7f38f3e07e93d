package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Counts a rollout's failures and halts it at {@code halt_after_failures}, inside the caller's
 * transaction, which holds the rollout's row lock: the failure that reaches the limit and the halt
 * commit together.
 */
final class Failures {
  private final Sql sql;

  Failures(Sql sql) {
    this.sql = sql;
  }

  /** Leases that ran out: expired; a failure each when the host had not reported healthy. */
  int sweepExpired(Connection c, long rolloutId) throws SQLException {
    int counted = 0;
    try (PreparedStatement ps =
        sql.prepare(
            c,
            "UPDATE S.rollout_host SET state = 'expired', finished_at = clock_timestamp(),"
                + " reason = CASE WHEN healthy_since IS NULL"
                + "   THEN 'lease expired without a healthy report'"
                + "   ELSE 'lease expired after a healthy report' END"
                + " WHERE rollout_id = ? AND state IN ('installing', 'verifying')"
                + " AND lease_until < clock_timestamp()"
                + " RETURNING host, healthy_since IS NULL",
            rolloutId)) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean counts = rs.getBoolean(2);
          sql.event(
              c,
              rolloutId,
              rs.getString(1),
              "expired",
              counts
                  ? "lease expired without a healthy report: counted as a failure"
                  : "lease expired after a healthy report");
          if (counts) {
            counted++;
          }
        }
      }
    }
    if (counted > 0) {
      count(c, rolloutId, counted, counted + " lease(s) expired without a healthy report");
    }
    return counted;
  }

  /** Adds {@code n} failures; halts the rollout when they reach its limit. */
  void count(Connection c, long rolloutId, int n, String last) throws SQLException {
    try (PreparedStatement ps =
        sql.prepare(
            c,
            "UPDATE S.rollout SET failures = failures + ?, updated_at = clock_timestamp(),"
                + " state = CASE WHEN failures + ? >= halt_after THEN 'halted' ELSE state END,"
                + " halted_reason = CASE WHEN state <> 'halted' AND failures + ? >= halt_after"
                + "   THEN (failures + ?) || ' failure(s), the limit is ' || halt_after"
                + "     || '; last: ' || ? ELSE halted_reason END"
                + " WHERE id = ? RETURNING state, halted_reason",
            n,
            n,
            n,
            n,
            last,
            rolloutId)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && "halted".equals(rs.getString(1))) {
          sql.event(c, rolloutId, null, "halted", rs.getString(2));
        }
      }
    }
  }
}
