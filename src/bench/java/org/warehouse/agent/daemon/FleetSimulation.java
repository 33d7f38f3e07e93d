package org.warehouse.agent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * test-fixtures/bench.sh fleet (and the end of bench.sh repo-load): a fleet of synthetic hosts
 * (random machine-ids) scheduled by the daemon's own code, {@link HostSplay#offset} and {@link
 * ConvergeSchedule#nextSlot}, polling one repository. With the per-poll requests and bytes measured
 * against the fixture repository, it computes the repository's peak requests per second when
 * nothing changed and during a rollout, and the time from a publish until the last host runs the
 * new version, for publishes spread over one interval. Not a test: figures, no thresholds.
 */
public final class FleetSimulation {
  private FleetSimulation() {}

  /**
   * What one host costs the repository per converge, as measured.
   *
   * @param noopRequests requests of a poll when nothing changed
   * @param noopBytes body bytes of such a poll
   * @param changeRequests requests of a converge that installs a new version
   * @param changeBytes body bytes of it (the fixture .deb is tiny: a real one is far larger)
   * @param changeSeconds how long such a converge takes until the service is healthy
   */
  public record PerHost(
      double noopRequests,
      double noopBytes,
      double changeRequests,
      double changeBytes,
      double changeSeconds) {}

  /**
   * args: HOSTS INTERVAL_S SPLAY_S NOOP_REQUESTS NOOP_BYTES CHANGE_REQUESTS CHANGE_BYTES
   * CHANGE_SECONDS; defaults 10000 1800 300 and figures measured on the fixture repository.
   */
  public static void main(String[] args) {
    int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Duration interval = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 1800);
    Duration splay = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 300);
    PerHost perHost =
        new PerHost(
            arg(args, 3, 1), arg(args, 4, 0), arg(args, 5, 4), arg(args, 6, 3000), arg(args, 7, 2));
    System.out.print(report(hosts, interval, splay, perHost, 42));
  }

  private static double arg(String[] args, int i, double fallback) {
    return args.length > i ? Double.parseDouble(args[i]) : fallback;
  }

  /** The simulation's figures as printable lines. */
  public static String report(
      int hosts, Duration interval, Duration splay, PerHost perHost, long seed) {
    Random random = new Random(seed);
    HexFormat hex = HexFormat.of();
    List<Duration> offsets = new ArrayList<>(hosts);
    for (int i = 0; i < hosts; i++) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      offsets.add(HostSplay.offset(hex.formatHex(id), splay));
    }
    // Any instant: slots repeat every interval. A round hour, so buckets align with windows.
    Instant base = Instant.parse("2026-01-01T00:00:00Z");

    // Steady state: every host polls once per interval at its slot; per-second buckets.
    Map<Long, Integer> perSecond = new HashMap<>();
    for (Duration offset : offsets) {
      Instant slot = ConvergeSchedule.nextSlot(base.minusMillis(1), interval, offset);
      perSecond.merge(slot.getEpochSecond(), 1, Integer::sum);
    }
    int peakHosts = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int busySeconds = perSecond.size();

    // Rollouts: publish at 360 instants spread over one interval; each host installs at its
    // first slot after the publish and runs the new version changeSeconds later.
    List<Double> untilAll = new ArrayList<>();
    List<Double> untilHalf = new ArrayList<>();
    int steps = 360;
    for (int k = 0; k < steps; k++) {
      Instant publish = base.plusMillis(interval.toMillis() * k / steps);
      List<Double> done = new ArrayList<>(hosts);
      for (Duration offset : offsets) {
        Instant slot = ConvergeSchedule.nextSlot(publish, interval, offset);
        done.add((slot.toEpochMilli() - publish.toEpochMilli()) / 1000.0 + perHost.changeSeconds());
      }
      done.sort(null);
      untilAll.add(done.get(done.size() - 1));
      untilHalf.add(done.get(done.size() / 2));
    }
    untilAll.sort(null);
    untilHalf.sort(null);

    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "fleet simulation: %d hosts (random machine-ids), interval %ds, splay %ds, the daemon's"
                + " HostSplay and ConvergeSchedule%n",
            hosts, interval.toSeconds(), splay.toSeconds()));
    sb.append(
        String.format(
            "  per host: no-op poll %.1f requests %.0f bytes; change converge %.1f requests"
                + " %.0f bytes, %.1f s until healthy%n",
            perHost.noopRequests(),
            perHost.noopBytes(),
            perHost.changeRequests(),
            perHost.changeBytes(),
            perHost.changeSeconds()));
    sb.append(
        String.format(
            "  hosts polling in one second: mean %.1f over the %d busy seconds of each interval,"
                + " peak %d%n",
            (double) hosts / busySeconds, busySeconds, peakHosts));
    sb.append(
        String.format(
            "  repository, nothing changed: peak %.0f requests/s, %.0f bytes/s; mean over the interval"
                + " %.2f requests/s%n",
            peakHosts * perHost.noopRequests(),
            peakHosts * perHost.noopBytes(),
            hosts * perHost.noopRequests() / interval.toSeconds()));
    sb.append(
        String.format(
            "  repository, during a rollout: peak %.0f requests/s, %.0f bytes/s (fixture .deb size)%n",
            peakHosts * perHost.changeRequests(), peakHosts * perHost.changeBytes()));
    sb.append(
        String.format(
            "  publish -> every host on the new version (%d publish instants over one interval):"
                + " min %.0f s, median %.0f s, max %.0f s; half the fleet: median %.0f s%n",
            steps,
            untilAll.get(0),
            untilAll.get(steps / 2),
            untilAll.get(steps - 1),
            untilHalf.get(steps / 2)));
    return sb.toString();
  }
}
