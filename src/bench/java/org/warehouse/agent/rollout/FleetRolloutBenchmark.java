package org.warehouse.agent.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.warehouse.agent.daemon.HostSplay;

/**
 * test-fixtures/bench.sh fleet, the rollout part: a fleet's rollouts simulated ({@link
 * FleetRolloutSimulation}) over max_parallel and probe_interval, a bad release's reach, and the
 * repository and database load this costs. Not a test: figures, no thresholds.
 *
 * <p>args: HOSTS (default 10000) CHANGE_SECONDS (default 3.35, the change benchmark's converge
 * through the daemon).
 */
public final class FleetRolloutBenchmark {
  private static final List<Integer> MAX_PARALLEL = List.of(10, 50, 200, 1000);
  private static final List<Duration> PROBES =
      List.of(Duration.ofSeconds(15), Duration.ofMinutes(1), Duration.ofMinutes(5));

  private FleetRolloutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int hosts = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].strip()) : 10_000;
    double change = args.length > 1 ? Double.parseDouble(args[1]) : 3.35;
    long t0 = System.nanoTime();
    FleetParams base =
        new FleetParams(
            hosts,
            Duration.ofMinutes(1),
            Duration.ofSeconds(30),
            new RolloutRules(List.of(), 3, 10, 3, Duration.ofMinutes(10), Duration.ofMinutes(5)),
            FleetParams.Release.GOOD,
            change,
            1.0,
            Duration.ofSeconds(60),
            42);
    System.out.printf(
        "fleet rollouts (simulated): %d hosts, canary %d, min_healthy_time %ds, poll %ds,"
            + " lease_ttl %ds, a change %.2f s per host (+-20%%), of which %.1f s restart and first"
            + " healthy answer; health_timeout %ds%n",
        hosts,
        base.rules().canaryCount(),
        base.rules().minHealthyTime().toSeconds(),
        base.poll().toSeconds(),
        base.rules().leaseTtl().toSeconds(),
        change,
        base.restartSeconds(),
        base.healthTimeout().toSeconds());
    good(base);
    bad(base);
    repository(hosts);
    System.out.printf(
        "(simulated in %.1f s; %d CPUs, load %s)%n",
        (System.nanoTime() - t0) / 1e9,
        Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).strip());
  }

  private static void good(FleetParams base) {
    System.out.println();
    System.out.println(
        "good release: publish -> each host running it healthy; rollout done = last slot released;"
            + " database transactions/s per 1,000 hosts over the rollout");
    System.out.printf(
        "%-8s %6s | %9s %9s %9s %9s | %7s %7s %7s %7s %7s | %6s%n",
        "probe", "max_p", "p50", "p99", "last", "done", "tx/s", "peak", "waits", "renew", "admit",
        "locked");
    for (Duration probe : PROBES) {
      for (int mp : MAX_PARALLEL) {
        FleetResult r =
            FleetRolloutSimulation.run(base.with(mp, probe, FleetParams.Release.GOOD, 3));
        System.out.printf(
            "%-8s %6d | %9s %9s %9s %9s | %7.2f %7.2f %7.2f %7.2f %7.2f | %6.2f%n",
            words(probe.toMillis()),
            mp,
            words(r.p50()),
            words(r.p99()),
            words(r.last()),
            words(r.lastReleased()),
            r.txPerSecondPer1000(),
            r.log().peakPerSecond() / (base.hosts() / 1000.0),
            r.txPerSecondPer1000(TxLog.Kind.WAIT),
            r.txPerSecondPer1000(TxLog.Kind.RENEW) + r.txPerSecondPer1000(TxLog.Kind.COMPLETE),
            r.txPerSecondPer1000(TxLog.Kind.ADMIT),
            r.lockedPerSecond());
      }
    }
    System.out.println(
        "  tx/s: mean per 1,000 hosts from publish to done; peak: the busiest minute's; waits:"
            + " asks answered wait; renew: renewals and finishes; admit: grants (plain read +"
            + " locked); locked: fleet-wide transactions/s on the rollout's row lock");
  }

  private static void bad(FleetParams base) {
    System.out.println();
    System.out.println("bad release (fails on every host): how far it got");
    String head = "%-10s %5s %8s | %9s %9s %11s %8s %s%n";
    System.out.printf(
        head,
        "release",
        "halt",
        "probe",
        "installed",
        "restarted",
        "halted at",
        "promoted",
        "state");
    for (FleetParams.Release release :
        List.of(FleetParams.Release.CRASHES, FleetParams.Release.UNHEALTHY)) {
      for (int haltAfter : List.of(1, 3)) {
        for (Duration probe : PROBES) {
          FleetResult r = FleetRolloutSimulation.run(base.with(50, probe, release, haltAfter));
          System.out.printf(
              head,
              release.name().toLowerCase(java.util.Locale.ROOT),
              haltAfter,
              words(probe.toMillis()),
              r.installed(),
              r.restarted(),
              words(r.haltedAt()),
              r.promoted() ? "yes" : "no",
              r.finalState().word());
        }
      }
    }
    System.out.println(
        "  installed: hosts admitted to install it; restarted: of those, hosts that restarted onto"
            + " it (a host whose slot was halted mid-install restarts nothing); max_parallel 50");
  }

  private static void repository(int hosts) throws Exception {
    Path root = ProbeBytes.repository(Files.createTempDirectory("fleet-probe"));
    ProbeBytes.Exchange fixture = ProbeBytes.fixture(root);
    Optional<ProbeBytes.Exchange> python = ProbeBytes.python(root);
    System.out.println();
    System.out.printf(
        "repository: one probe answered 304 = %d B request + %d B answer (fixture server)%s;"
            + " one TCP connection per probe%n",
        fixture.request(),
        fixture.answer(),
        python
            .map(p -> String.format(", %d B + %d B (python3 http.server)", p.request(), p.answer()))
            .orElse(""));
    System.out.printf(
        "%-8s | %10s %10s | %12s %12s%n",
        "probe", "probes/s", "peak 1 s", "B/s fixture", "B/s python");
    for (Duration probe : PROBES) {
      double mean = hosts / (double) probe.toSeconds();
      System.out.printf(
          "%-8s | %10.1f %10d | %12.0f %12s%n",
          words(probe.toMillis()),
          mean,
          peakSecond(hosts, probe),
          mean * fixture.total(),
          python.map(p -> String.format("%.0f", mean * p.total())).orElse("-"));
    }
  }

  /** The busiest second's probes, with the daemon's HostSplay places of random machine-ids. */
  private static int peakSecond(int hosts, Duration probe) {
    Random random = new Random(42);
    HexFormat hex = HexFormat.of();
    Map<Long, Integer> perSecond = new HashMap<>();
    for (int h = 0; h < hosts; h++) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      perSecond.merge(HostSplay.offset(hex.formatHex(id), probe).toSeconds(), 1, Integer::sum);
    }
    return perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** 45s, 12m05s, 3h04m; "-" for none. */
  static String words(long ms) {
    if (ms < 0) {
      return "-";
    }
    long s = Math.round(ms / 1000.0);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
