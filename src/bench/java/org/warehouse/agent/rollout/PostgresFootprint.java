package org.warehouse.agent.rollout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the rollout tests' PostgreSQL costs, for sizing the scale test: start times, and the
 * server's memory with N idle connections from one JVM. Not a test: {@code mvn exec:java@bench
 * -Dbench.main=org.warehouse.agent.rollout.PostgresFootprint -Dexec.args="STARTS CONNECTIONS"}.
 */
public final class PostgresFootprint {
  private PostgresFootprint() {}

  public static void main(String[] args) throws Exception {
    int starts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    for (int i = 0; i < starts; i++) {
      long t0 = System.nanoTime();
      try (TestPostgres pg = TestPostgres.start()) {
        long t1 = System.nanoTime();
        pg.restart();
        long t2 = System.nanoTime();
        System.out.printf("start %d: fresh %d ms, restart %d ms%n", i, ms(t0, t1), ms(t1, t2));
      }
    }
    try (TestPostgres pg = TestPostgres.start()) {
      System.out.println("idle server: " + memory(pg.pid()));
      Runtime runtime = Runtime.getRuntime();
      System.gc();
      long heapBefore = runtime.totalMemory() - runtime.freeMemory();
      List<Connection> open = new ArrayList<>();
      long cpu0 = jvmCpuMillis();
      long t0 = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        open.add(connect(pg));
      }
      long t1 = System.nanoTime();
      long jvmCpu = jvmCpuMillis() - cpu0;
      System.gc();
      long heapAfter = runtime.totalMemory() - runtime.freeMemory();
      System.out.printf(
          "%d connections opened in %d ms; client heap +%d KiB (%d KiB each)%n",
          connections,
          ms(t0, t1),
          (heapAfter - heapBefore) / 1024,
          (heapAfter - heapBefore) / 1024 / connections);
      System.out.printf("client CPU %d ms (%d ms each)%n", jvmCpu, jvmCpu / connections);
      System.out.println("server with them idle: " + memory(pg.pid()));
      long t2 = System.nanoTime();
      pg.restart();
      System.out.printf("restart with them open: %d ms%n", ms(t2, System.nanoTime()));
      for (Connection connection : open) {
        connection.close();
      }
    }
  }

  private static Connection connect(TestPostgres pg) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", pg.user());
    properties.setProperty("password", pg.password());
    return DriverManager.getConnection(pg.jdbcUrl(), properties);
  }

  /**
   * A postmaster and its children: count, summed RSS and PSS (shared pages split among their
   * users), and CPU time (at 100 ticks a second; a backend's fork is the postmaster's).
   */
  private static String memory(long postmaster) throws IOException {
    List<Long> pids = new ArrayList<>(List.of(postmaster));
    ProcessHandle.of(postmaster).orElseThrow().children().forEach(p -> pids.add(p.pid()));
    long rss = 0;
    long pss = 0;
    long ticks = 0;
    for (long pid : pids) {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      ticks += Long.parseLong(after[11]) + Long.parseLong(after[12]); // utime, stime

      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
        String[] fields = line.split("\\s+", -1);
        if (fields[0].equals("Rss:")) {
          rss += Long.parseLong(fields[1]);
        } else if (fields[0].equals("Pss:")) {
          pss += Long.parseLong(fields[1]);
        }
      }
    }
    return String.format(
        "%d processes, RSS sum %d MiB, PSS sum %d MiB (%d KiB each), CPU %d ms",
        pids.size(), rss / 1024, pss / 1024, pss / pids.size(), ticks * 10);
  }

  private static long jvmCpuMillis() {
    return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();
  }

  private static long ms(long from, long to) {
    return (to - from) / 1_000_000;
  }
}
