package org.warehouse.agent.rollout;

import java.util.List;

/**
 * The scale test's questions to the database, asked as the superuser on a fresh connection: a
 * rollout's state, a host's row, events, the database's clock (epoch seconds) and commit count.
 */
final class ScaleDb {
  private final TestPostgres pg;
  private final String schema;
  private final String group;

  ScaleDb(TestPostgres pg, String schema, String group) {
    this.pg = pg;
    this.schema = schema;
    this.group = group;
  }

  String one(String query) {
    List<List<String>> rows = pg.sql(query.replace("S.", schema + "."));
    return rows.isEmpty() ? "" : rows.get(0).get(0);
  }

  private String rollout(String version) {
    return "(SELECT id FROM S.rollout WHERE grp = '" + group + "' AND version = '" + version + "')";
  }

  String state(String version) {
    return one("SELECT state FROM S.rollout WHERE id = " + rollout(version));
  }

  int failures(String version) {
    return Integer.parseInt(one("SELECT failures FROM S.rollout WHERE id = " + rollout(version)));
  }

  int hosts(String version, String where) {
    return Integer.parseInt(
        one(
            "SELECT count(*) FROM S.rollout_host WHERE rollout_id = "
                + rollout(version)
                + " AND "
                + where));
  }

  /** A host's row: state, epoch, when it finished (epoch seconds) and why. */
  String row(String version, String host) {
    return one(
        "SELECT state || ' epoch ' || epoch || ' finished '"
            + " || coalesce(extract(epoch FROM finished_at)::text, '-') || ' ' || coalesce(reason, '')"
            + " FROM S.rollout_host WHERE rollout_id = "
            + rollout(version)
            + " AND host = '"
            + host
            + "'");
  }

  double leaseUntil(String version, String host) {
    return Double.parseDouble(
        one(
            "SELECT extract(epoch FROM lease_until) FROM S.rollout_host WHERE rollout_id = "
                + rollout(version)
                + " AND host = '"
                + host
                + "'"));
  }

  /** When the first grant to another host was made at or after {@code since}; "" if none. */
  String firstGrantAfter(String version, String host, double since) {
    return one(
        "SELECT extract(epoch FROM at) FROM S.rollout_event WHERE rollout_id = "
            + rollout(version)
            + " AND kind = 'granted' AND host <> '"
            + host
            + "' AND at >= to_timestamp("
            + String.format(java.util.Locale.ROOT, "%.6f", since)
            + ") ORDER BY at LIMIT 1");
  }

  /** Events of {@code host} after its lease ran out (its late reports must add none). */
  int eventsAfterExpiry(String version, String host) {
    return Integer.parseInt(
        one(
            "SELECT count(*) FROM S.rollout_event e WHERE e.rollout_id = "
                + rollout(version)
                + " AND e.host = '"
                + host
                + "' AND e.id > (SELECT max(id) FROM S.rollout_event x WHERE x.rollout_id = "
                + rollout(version)
                + " AND x.host = '"
                + host
                + "' AND x.kind = 'expired')"));
  }

  /** Whether the halt was written by the transaction that counted a failure (one xmin). */
  boolean haltedWithAFailure(String version) {
    return Integer.parseInt(
            one(
                "SELECT count(*) FROM S.rollout_event h JOIN S.rollout_event f"
                    + " ON f.rollout_id = h.rollout_id AND f.xmin = h.xmin AND f.kind IN ('failed', 'expired')"
                    + " WHERE h.kind = 'halted' AND h.rollout_id = "
                    + rollout(version)))
        == 1;
  }

  double now() {
    return Double.parseDouble(one("SELECT extract(epoch FROM clock_timestamp())"));
  }

  long commits() {
    return Long.parseLong(
        one("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"));
  }
}
