package org.warehouse.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.converge.RunReport;

/**
 * test-fixtures/bench.sh memory: the daemon's idle RSS, then N converges in one daemon (argument 1,
 * default 2000; every Kth a change, argument 3, default 10: the attribute file flips, so config.yml
 * is re-rendered and warehouse-web restarted and health-checked), with RSS and the heap in use
 * after a full GC sampled every S runs (argument 2, default 100), and the least-squares slope of
 * each per 100 runs. Converges are requested over the control socket from this JVM (what {@code
 * agent converge --now} sends) so that thousands of runs take minutes, not hours. Not a test:
 * figures, no thresholds.
 */
public final class MemoryBenchmark {
  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int every = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int changeEvery = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    SandboxSupport.assumeAvailable();
    String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
    try (SandboxHost host = SandboxHost.start()) {
      Sandbox s = host.sandbox();
      host.publish(host.buildWarehouse("18.09.01"));
      BenchDaemon daemon =
          BenchDaemon.start(host, "interval: 1h\nsplay: 1s\nfirst_run_delay: 1s\n", 0);
      for (int i = 0; i < 3; i++) {
        require(daemon.convergeViaSocket(), "unchanged");
      }
      // Idle: what the daemon holds between runs once the JIT and the heap settled.
      Thread.sleep(15_000);
      long pid = daemon.pid();
      double idleRss = BenchStats.rssKib(s, pid);

      List<Double> xs = new ArrayList<>();
      List<Double> rss = new ArrayList<>();
      List<Double> heap = new ArrayList<>();
      List<String> lines = new ArrayList<>();
      int release = 0;
      int changes = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i <= runs; i++) {
        if (i > 0) {
          if (i % changeEvery == 0) {
            release = 1 - release;
            daemon.setRelease(release);
            require(daemon.convergeViaSocket(), "changed");
            changes++;
          } else {
            require(daemon.convergeViaSocket(), "unchanged");
          }
        }
        if (i % every == 0) {
          // RSS first: the GC that measures the heap may give memory back.
          double r = BenchStats.rssKib(s, pid);
          double h = BenchStats.heapAfterGcKib(s, pid);
          xs.add(i / 100.0);
          rss.add(r / 1024);
          heap.add(h / 1024);
          lines.add(
              String.format(
                  "  after %5d converges (%4d changes, %5.0f s): RSS %6.1f MiB  heap after GC %5.1f MiB",
                  i, changes, (System.nanoTime() - t0) / 1e9, r / 1024, h / 1024));
          System.err.println(lines.get(lines.size() - 1));
        }
      }
      if (DaemonUnit.mainPid(s) != pid) {
        throw new IllegalStateException("the daemon restarted during the benchmark");
      }
      String load1 = Files.readString(Path.of("/proc/loadavg")).strip();
      System.out.println();
      System.out.printf(
          "daemon memory benchmark: %d converges in one daemon (1 in %d a change: config.yml"
              + " re-rendered, warehouse-web restarted); %d CPUs, load %s at start, %s at end%n",
          runs, changeEvery, Runtime.getRuntime().availableProcessors(), load0, load1);
      System.out.printf("  idle RSS after 3 converges and 15 s: %.1f MiB%n", idleRss / 1024);
      lines.forEach(System.out::println);
      System.out.printf(
          "  least-squares slope per 100 converges: RSS %+.3f MiB, heap after GC %+.3f MiB%n",
          BenchStats.slope(xs, rss), BenchStats.slope(xs, heap));
      // The first runs load classes and fill the code cache: the second half shows a leak alone.
      int half = xs.size() / 2;
      System.out.printf(
          "  same over the second half (from %d converges): RSS %+.3f MiB, heap after GC %+.3f MiB%n",
          Math.round(xs.get(half) * 100),
          BenchStats.slope(xs.subList(half, xs.size()), rss.subList(half, rss.size())),
          BenchStats.slope(xs.subList(half, xs.size()), heap.subList(half, heap.size())));
      s.exec(List.of("systemctl", "stop", DaemonUnit.UNIT));
    }
  }

  private static void require(RunReport report, String result) {
    if (!result.equals(report.result().label())) {
      throw new IllegalStateException(
          "expected a run " + result + ", got " + report.result() + ": " + report.error());
    }
  }
}
