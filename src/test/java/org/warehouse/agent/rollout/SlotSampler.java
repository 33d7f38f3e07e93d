package org.warehouse.agent.rollout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every 100 ms, on a connection of its own, the live slots of one rollout as the database sees
 * them, against the hosts that are acting on a slot (restarted, not yet letting go): never more
 * than max_parallel, and every acting host's epoch is its live row's (no superseded holder).
 */
final class SlotSampler implements AutoCloseable {
  private final Thread thread;
  private final Queue<String> violations = new ConcurrentLinkedQueue<>();
  private volatile boolean stop;
  private volatile int maxLive;
  private volatile int maxActing;
  private final java.util.concurrent.atomic.AtomicInteger samples =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile SQLException failure;

  SlotSampler(TestPostgres pg, String schema, RolloutKey key, int maxParallel, ReleaseLog log) {
    String q =
        "SELECT h.host, h.epoch FROM "
            + schema
            + ".rollout_host h JOIN "
            + schema
            + ".rollout r ON r.id = h.rollout_id WHERE r.grp = ? AND r.package = ?"
            + " AND r.version = ? AND h.state IN ('installing', 'verifying')"
            + " AND h.lease_until >= clock_timestamp()";
    thread =
        new Thread(
            () -> {
              Properties p = new Properties();
              p.setProperty("user", pg.user());
              p.setProperty("password", pg.password());
              try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), p);
                  PreparedStatement ps = c.prepareStatement(q)) {
                ps.setString(1, key.group());
                ps.setString(2, key.pkg());
                ps.setString(3, key.version());
                while (!stop) {
                  sample(ps, maxParallel, log);
                  Thread.sleep(100);
                }
              } catch (SQLException e) {
                failure = e;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "slot-sampler");
    thread.start();
  }

  private void sample(PreparedStatement ps, int maxParallel, ReleaseLog log) throws SQLException {
    Map<String, Long> before = Map.copyOf(log.acting);
    Map<String, Long> live = new HashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        live.put(rs.getString(1), rs.getLong(2));
      }
    }
    Map<String, Long> after = Map.copyOf(log.acting);
    samples.incrementAndGet();
    maxLive = Math.max(maxLive, live.size());
    maxActing = Math.max(maxActing, after.size());
    if (live.size() > maxParallel) {
      violations.add(live.size() + " live slots: " + live);
    }
    // A host acting on its slot for the whole sample must hold that very grant.
    for (Map.Entry<String, Long> e : before.entrySet()) {
      if (e.getValue().equals(after.get(e.getKey()))
          && !e.getValue().equals(live.get(e.getKey()))) {
        violations.add(
            e.getKey()
                + " acts on epoch "
                + e.getValue()
                + ", its live row: "
                + live.get(e.getKey()));
      }
    }
  }

  int maxLive() {
    return maxLive;
  }

  int maxActing() {
    return maxActing;
  }

  int samples() {
    return samples.get();
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Stops sampling; throws what stopped it early, if anything did. */
  @Override
  public void close() throws InterruptedException, SQLException {
    stop = true;
    thread.join();
    if (failure != null) {
      throw failure;
    }
  }
}
