package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads one rollout's row, hosts, waiters and recent events into a {@link RolloutView}. */
final class RolloutViews {
  private final Sql sql;

  RolloutViews(Sql sql) {
    this.sql = sql;
  }

  RolloutView read(Connection c, long id) throws SQLException {
    List<RolloutView.HostView> hosts = new ArrayList<>();
    try (PreparedStatement ps =
            sql.prepare(
                c,
                "SELECT host, canary, state, epoch, lease_until, healthy_since, coalesce(reason, '')"
                    + " FROM S.rollout_host WHERE rollout_id = ? ORDER BY granted_at, host",
                id);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        hosts.add(
            new RolloutView.HostView(
                rs.getString(1),
                rs.getBoolean(2),
                HostState.of(rs.getString(3)),
                rs.getLong(4),
                rs.getTimestamp(5).toInstant(),
                RolloutAdmin.instant(rs.getTimestamp(6)),
                rs.getString(7)));
      }
    }
    List<String> waiting = new ArrayList<>();
    try (PreparedStatement ps =
            sql.prepare(
                c, "SELECT host FROM S.rollout_waiter WHERE rollout_id = ? ORDER BY since", id);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        waiting.add(rs.getString(1));
      }
    }
    List<RolloutView.EventView> events = new ArrayList<>();
    try (PreparedStatement ps =
            sql.prepare(
                c,
                "SELECT at, host, kind, detail FROM (SELECT * FROM S.rollout_event"
                    + " WHERE rollout_id = ? ORDER BY id DESC LIMIT "
                    + RolloutAdmin.EVENTS
                    + ") e ORDER BY id",
                id);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        events.add(
            new RolloutView.EventView(
                rs.getTimestamp(1).toInstant(),
                Optional.ofNullable(rs.getString(2)),
                rs.getString(3),
                rs.getString(4)));
      }
    }
    try (PreparedStatement ps =
            sql.prepare(
                c,
                "SELECT grp, package, version, state, failures, halt_after, max_parallel,"
                    + " canary_count, canary_hosts, coalesce(halted_reason, ''), created_at"
                    + " FROM S.rollout WHERE id = ?",
                id);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new RolloutView(
          new RolloutKey(rs.getString(1), rs.getString(2), rs.getString(3)),
          RolloutState.of(rs.getString(4)),
          rs.getInt(5),
          rs.getInt(6),
          rs.getInt(7),
          rs.getInt(8),
          Sql.strings(rs.getArray(9)),
          rs.getString(10),
          rs.getTimestamp(11).toInstant(),
          hosts,
          waiting,
          events);
    }
  }
}
