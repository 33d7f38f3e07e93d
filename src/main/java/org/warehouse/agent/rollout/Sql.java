package org.warehouse.agent.rollout;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rollout tables' statements, with the schema put in and the snapshot read. */
final class Sql {
  private final String schema;

  Sql(String schema) {
    this.schema = schema;
  }

  /** {@code text} with every {@code S.} naming the rollout schema (a validated identifier). */
  String q(String text) {
    return text.replace("S.", schema + ".");
  }

  PreparedStatement prepare(Connection c, String text, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(q(text));
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  int update(Connection c, String text, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, text, args)) {
      return ps.executeUpdate();
    }
  }

  void event(Connection c, long rolloutId, String host, String kind, String detail)
      throws SQLException {
    update(
        c,
        "INSERT INTO S.rollout_event (rollout_id, host, kind, detail) VALUES (?, ?, ?, ?)",
        rolloutId,
        host,
        kind,
        detail);
  }

  private static final String SNAPSHOT =
      "SELECT r.id, r.state, r.canary_hosts, r.canary_count, r.max_parallel, r.halt_after,"
          + " r.failures, r.epoch, coalesce(r.halted_reason, ''),"
          + " (SELECT count(*) FROM S.rollout_host h WHERE h.rollout_id = r.id"
          + "   AND h.state IN ('installing', 'verifying')),"
          + " (SELECT count(*) FROM S.rollout_host h WHERE h.rollout_id = r.id"
          + "   AND h.state IN ('installing', 'verifying') AND h.lease_until < clock_timestamp()),"
          + " (SELECT count(*) FROM S.rollout_host h WHERE h.rollout_id = r.id AND h.canary"
          + "   AND h.state IN ('installing', 'verifying', 'done')),"
          + " (SELECT count(*) FROM S.rollout_host h WHERE h.rollout_id = r.id AND h.canary"
          + "   AND h.state = 'done'),"
          + " me.state, me.canary, me.lease_until >= clock_timestamp()"
          + " FROM S.rollout r LEFT JOIN S.rollout_host me ON me.rollout_id = r.id AND me.host = ?"
          + " WHERE r.grp = ? AND r.package = ? AND r.version = ?";

  /**
   * The rollout's snapshot for {@code host}, read by one statement (so with one snapshot of the
   * database: take the row lock in an earlier statement when the counts must be current).
   */
  Optional<Snapshot> snapshot(Connection c, RolloutKey key, HostId host) throws SQLException {
    try (PreparedStatement ps =
        prepare(c, SNAPSHOT, host.name(), key.group(), key.pkg(), key.version())) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Optional<Snapshot.Mine> mine =
            rs.getString(14) == null
                ? Optional.empty()
                : Optional.of(
                    new Snapshot.Mine(
                        HostState.of(rs.getString(14)), rs.getBoolean(15), rs.getBoolean(16)));
        return Optional.of(
            new Snapshot(
                rs.getLong(1),
                RolloutState.of(rs.getString(2)),
                strings(rs.getArray(3)),
                rs.getInt(4),
                rs.getInt(5),
                rs.getInt(6),
                rs.getInt(7),
                rs.getLong(8),
                rs.getString(9),
                rs.getInt(10),
                rs.getInt(11),
                rs.getInt(12),
                rs.getInt(13),
                mine));
      }
    }
  }

  static List<String> strings(Array a) throws SQLException {
    List<String> out = new ArrayList<>();
    if (a != null) {
      for (Object o : (Object[]) a.getArray()) {
        out.add((String) o);
      }
    }
    return out;
  }
}
