package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.warehouse.agent.converge.ReportJson;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.state.JsonTree;

/**
 * test-fixtures/soak.sh: the daemon under its unit in a sandbox for a while (argument 1, minutes,
 * default 60) at a short interval (argument 2, seconds, default 20; splay 0) while a publisher
 * releases versions at random: good ones, ones that start slowly but within health_timeout, and
 * broken ones (warehouse-web crashes at start, or answers 500 on /_health/), which the agent must
 * roll back and quarantine, and which a newer good version fixes. At the end it checks every run's
 * report in the history against the publisher's log, that no two runs overlapped, that no slot was
 * missed, that RSS stayed flat, and that the host ends on the newest good version; prints one
 * summary line (SOAK PASS or SOAK FAIL) and exits 1 on a failure. Seed: argument 3 (default: the
 * time).
 */
public final class SoakDriver {
  private static final String HISTORY = "/var/lib/warehouse-agent/history";

  /** One publish: the version, whether it works, and when the repository held it. */
  private record Release(String version, PackageKind kind, Instant begin, Instant end) {
    boolean good() {
      return kind == PackageKind.GOOD || kind == PackageKind.SLOW;
    }
  }

  private SoakDriver() {}

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 60;
    int interval = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.currentTimeMillis();
    SandboxSupport.assumeAvailable();
    Random random = new Random(seed);
    List<Release> log = new CopyOnWriteArrayList<>();
    List<double[]> rssSamples = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Instant soakStart;
    Instant soakEnd;
    List<RunReport> runs;
    String finalVersion;
    String journal;
    try (SandboxHost host = SandboxHost.start()) {
      Sandbox s = host.sandbox();
      List<Path> published = new ArrayList<>();
      Instant t = Instant.now();
      published.addAll(release(host, "18.11.0000", PackageKind.GOOD));
      host.publish(published.toArray(Path[]::new));
      log.add(new Release("18.11.0000", PackageKind.GOOD, t, Instant.now()));
      BenchDaemon daemon =
          BenchDaemon.start(
              host,
              "interval: " + interval + "s\nsplay: 0s\nfirst_run_delay: 1s\nhistory_limit: 10000\n",
              0,
              "10s");
      long pid = daemon.pid();
      soakStart = Instant.now();
      Instant stopAt = soakStart.plusMillis((long) (minutes * 60_000));
      Instant nextPublish = soakStart.plusSeconds(5 + random.nextInt(30));
      Instant nextSample = soakStart;
      int n = 0;
      System.err.printf("soak: %.1f min, interval %d s, seed %d%n", minutes, interval, seed);
      while (Instant.now().isBefore(stopAt)) {
        Instant now = Instant.now();
        if (!now.isBefore(nextSample)) {
          double rss = BenchStats.rssKib(s, pid) / 1024;
          rssSamples.add(
              new double[] {Duration.between(soakStart, now).toMillis() / 3_600_000.0, rss});
          nextSample = now.plusSeconds(15);
        }
        if (!now.isBefore(nextPublish)) {
          n++;
          double dice = random.nextDouble();
          PackageKind kind =
              dice < 0.40
                  ? PackageKind.GOOD
                  : dice < 0.55
                      ? PackageKind.SLOW
                      : dice < 0.70
                          ? PackageKind.CRASH
                          : dice < 0.85 ? PackageKind.UNHEALTHY : PackageKind.POSTINST_FAILS;
          String version = String.format("18.11.%04d", n);
          published.addAll(release(host, version, kind));
          Instant begin = Instant.now();
          host.publish(published.toArray(Path[]::new));
          log.add(new Release(version, kind, begin, Instant.now()));
          System.err.printf("soak: %s published %s (%s)%n", begin, version, kind);
          // 1 to 5 intervals apart: sometimes two publishes fall between two runs.
          nextPublish = Instant.now().plusSeconds(interval / 2 + random.nextInt(interval * 5));
        }
        Thread.sleep(500);
      }
      // The fix that ends every soak: a newer good version, which every host must end on.
      String last = String.format("18.11.%04d", n + 1);
      published.addAll(release(host, last, PackageKind.GOOD));
      Instant begin = Instant.now();
      host.publish(published.toArray(Path[]::new));
      log.add(new Release(last, PackageKind.GOOD, begin, Instant.now()));
      System.err.printf("soak: %s published %s (final fix)%n", begin, last);
      try {
        Await.until(
            "the final version healthy",
            Duration.ofSeconds(3L * interval + 90),
            () -> last.equals(BenchDaemon.healthyVersion(host)));
      } catch (AssertionError | RuntimeException e) {
        problems.add("final version " + last + " not healthy in time: " + e.getMessage());
      }
      // One more run after that, to see the host stay put.
      Instant settled = Instant.now();
      Await.until(
          "a run after the final install",
          Duration.ofSeconds(3L * interval + 60),
          () -> readRuns(s).stream().anyMatch(r -> r.start().isAfter(settled)));
      Thread.sleep(1000);
      soakEnd = Instant.now();
      if (DaemonUnit.mainPid(s) != pid) {
        problems.add("the daemon restarted (pid " + pid + " -> " + DaemonUnit.mainPid(s) + ")");
      }
      s.exec(List.of("systemctl", "stop", DaemonUnit.UNIT));
      runs = readRuns(s);
      finalVersion = daemon.agent().installedVersion();
      journal = s.journal(DaemonUnit.UNIT);
    }
    String summary =
        check(log, runs, rssSamples, problems, finalVersion, journal, interval, soakStart, soakEnd);
    System.out.println();
    problems.forEach(p -> System.out.println("  problem: " + p));
    System.out.println(summary);
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  /**
   * A release as a set: warehouse and warehouse-common of one source, warehouse needing its sibling
   * exactly; every third also pulls in a library of another source. POSTINST_FAILS breaks the
   * sibling's postinst, the other kinds warehouse-web.
   */
  private static List<Path> release(SandboxHost host, String version, PackageKind kind) {
    int n = Integer.parseInt(version.substring(version.lastIndexOf('.') + 1));
    String lib = "libsoak" + (n % 3 == 0 ? n : 0);
    List<Path> debs = new ArrayList<>();
    PackageBuilder web =
        PackageBuilder.warehouse(version)
            .source("warehouse")
            .kind(kind == PackageKind.POSTINST_FAILS ? PackageKind.GOOD : kind)
            .depends("warehouse-common (= " + version + ")");
    // SLOW: opens its port 3 s after start, well within health_timeout (10 s): a good release.
    debs.add((kind == PackageKind.SLOW ? web.seconds(3) : web).buildInto(host.debsDir()));
    debs.add(
        PackageBuilder.sibling("warehouse-common", version)
            .source("warehouse")
            .kind(kind == PackageKind.POSTINST_FAILS ? kind : PackageKind.GOOD)
            .depends(lib + " (>= 1.0)")
            .buildInto(host.debsDir()));
    if (n % 3 == 0) { // a library new in this release (release 0's serves the others)
      debs.add(PackageBuilder.unrelated(lib, "1.0").buildInto(host.debsDir()));
    }
    return debs;
  }

  private static List<RunReport> readRuns(Sandbox s) {
    List<RunReport> runs = new ArrayList<>();
    Path dir = s.hostPath(HISTORY);
    if (!Files.isDirectory(dir)) {
      return runs;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "run-*.json")) {
      for (Path f : files) {
        runs.add(ReportJson.runReport(JsonTree.readObject(Files.readAllBytes(f), "report")));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    runs.sort((a, b) -> a.start().compareTo(b.start()));
    return runs;
  }

  private static String check(
      List<Release> log,
      List<RunReport> runs,
      List<double[]> rssSamples,
      List<String> problems,
      String finalVersion,
      String journal,
      int interval,
      Instant soakStart,
      Instant soakEnd) {
    Map<String, Release> byVersion = new HashMap<>();
    log.forEach(r -> byVersion.put(r.version(), r));
    Map<String, Integer> rollbacks = new HashMap<>();
    int changed = 0;
    int unchanged = 0;
    int rolledBack = 0;
    int transientFailures = 0;
    int overlaps = 0;
    double maxGap = 0;
    RunReport previous = null;
    for (RunReport run : runs) {
      if (previous != null) {
        if (run.start().isBefore(previous.end())) {
          overlaps++;
          problems.add("run " + run.runId() + " started before " + previous.runId() + " ended");
        }
        maxGap =
            Math.max(maxGap, Duration.between(previous.start(), run.start()).toMillis() / 1000.0);
      }
      previous = run;
      // The versions the run may have seen: the newest complete at its start, and any whose
      // publish began before it ended (the poll happens early in the run, the race is real).
      List<Release> seen = new ArrayList<>();
      newestAt(log, run.start()).ifPresent(seen::add);
      for (Release r : log) {
        if (r.begin().isBefore(run.end()) && r.end().isAfter(run.start())) {
          seen.add(r);
        }
      }
      boolean publishDuringRun =
          log.stream().anyMatch(r -> r.begin().isBefore(run.end()) && r.end().isAfter(run.start()));
      ResourceReport pkg =
          run.resources().stream()
              .filter(r -> r.id().equals(ResourceId.ofPackage("warehouse")))
              .findFirst()
              .orElse(null);
      if (pkg == null) {
        if (run.failed() && publishDuringRun) {
          transientFailures++;
        } else {
          problems.add(
              "run " + run.runId() + " has no package report: " + run.result() + " " + run.error());
        }
        continue;
      }
      String text = pkg.detail() + " " + pkg.error() + " " + run.error();
      switch (pkg.status()) {
        case CHANGED -> {
          changed++;
          Release to = byVersion.get(pkg.after());
          if (to == null
              || !to.good()
              || seen.stream().noneMatch(r -> r.version().equals(pkg.after()))) {
            problems.add(
                "run "
                    + run.runId()
                    + " installed "
                    + pkg.after()
                    + ", not the newest good it saw "
                    + names(seen));
          }
          if (run.failed()) {
            problems.add(
                "run "
                    + run.runId()
                    + " installed good "
                    + pkg.after()
                    + " but failed: "
                    + run.error());
          }
        }
        case UNCHANGED -> {
          unchanged++;
          boolean current = seen.stream().anyMatch(r -> r.version().equals(pkg.after()));
          boolean quarantined =
              seen.stream().anyMatch(r -> !r.good() && text.contains(r.version() + " quarantined"));
          if (!current && !quarantined) {
            problems.add(
                "run "
                    + run.runId()
                    + " left "
                    + pkg.after()
                    + " although it saw "
                    + names(seen)
                    + ": "
                    + text);
          }
        }
        case ROLLED_BACK -> {
          rolledBack++;
          Optional<Release> bad =
              seen.stream().filter(r -> !r.good() && text.contains(r.version())).findFirst();
          if (bad.isEmpty()) {
            problems.add(
                "run "
                    + run.runId()
                    + " rolled back, but saw no broken version "
                    + names(seen)
                    + ": "
                    + text);
          } else {
            rollbacks.merge(bad.get().version(), 1, Integer::sum);
          }
          Release back = byVersion.get(pkg.before());
          if (back == null || !back.good()) {
            problems.add(
                "run " + run.runId() + " rolled back to " + pkg.before() + ", not a good version");
          }
          if (!run.failed()) {
            problems.add("run " + run.runId() + " rolled back but did not fail");
          }
        }
        default -> {
          // A set whose sibling's postinst fails: the install fails, the old set is restored in
          // the same run and the version quarantined: a rollback by another road.
          Optional<Release> failedInstall =
              seen.stream()
                  .filter(
                      r ->
                          r.kind() == PackageKind.POSTINST_FAILS
                              && text.contains("restored ")
                              && text.contains(r.version() + " quarantined"))
                  .findFirst();
          if (pkg.status() == ResourceStatus.FAILED && failedInstall.isPresent()) {
            rolledBack++;
            rollbacks.merge(failedInstall.get().version(), 1, Integer::sum);
          } else if (run.failed() && publishDuringRun) {
            transientFailures++;
          } else {
            problems.add("run " + run.runId() + ": package " + pkg.status() + ": " + text);
          }
        }
      }
    }
    rollbacks.forEach(
        (v, count) -> {
          if (count > 1) {
            problems.add(
                v + " rolled back " + count + " times (quarantine should stop a second try)");
          }
        });
    // Every broken release that was the newest for a whole run was rolled back once.
    for (Release r : log) {
      if (r.good()) {
        continue;
      }
      boolean newestForARun =
          runs.stream()
              .anyMatch(
                  run ->
                      newestAt(log, run.start())
                              .map(x -> x.version().equals(r.version()))
                              .orElse(false)
                          && newestAt(log, run.end())
                              .map(x -> x.version().equals(r.version()))
                              .orElse(false));
      if (newestForARun && !rollbacks.containsKey(r.version())) {
        problems.add(
            "broken " + r.version() + " was the newest for a whole run but never rolled back");
      }
    }
    if (journal.contains("ROLLBACK FAILED")) {
      problems.add("the journal has ROLLBACK FAILED");
    }
    String newestGood =
        log.stream().filter(Release::good).reduce((a, b) -> b).map(Release::version).orElse("?");
    if (!newestGood.equals(finalVersion)) {
      problems.add("final version " + finalVersion + ", newest good " + newestGood);
    }
    double soakSeconds = Duration.between(soakStart, soakEnd).toMillis() / 1000.0;
    if (maxGap > 2.0 * interval + 45) {
      problems.add(
          String.format("a gap of %.0f s between two runs (interval %d s)", maxGap, interval));
    }
    // RSS: the first quarter of the soak is warm-up (JIT, class loading, the first changes); over
    // the rest, the least-squares line must rise by at most 4 MiB ("flat"). Also shown per 100
    // runs.
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    double warmUpHours = soakSeconds / 3600 / 4;
    rssSamples.forEach(
        p -> {
          if (p[0] >= warmUpHours) {
            xs.add(p[0]);
            ys.add(p[1]);
          }
        });
    double perHour = BenchStats.slope(xs, ys);
    double rise = xs.isEmpty() ? Double.NaN : perHour * (xs.get(xs.size() - 1) - xs.get(0));
    double runsPerHour = runs.size() / (soakSeconds / 3600);
    double per100 = perHour / runsPerHour * 100;
    if (!(rise <= 4.0)) {
      problems.add(
          String.format(
              "RSS not flat: rises %.1f MiB after warm-up (%+.2f MiB per 100 runs)", rise, per100));
    }
    long brokenCount = log.stream().filter(r -> !r.good()).count();
    return String.format(
        "SOAK %s: %.1f min, interval %d s, %d runs (%d changed, %d rolled back, %d unchanged, %d failed"
            + " during a publish), %d releases (%d broken), %d overlaps, %d problems, max gap %.0f s,"
            + " RSS %.1f -> %.1f MiB after warm-up (%+.1f MiB fitted, %+.2f MiB/100 runs), final %s"
            + " (newest good %s)",
        problems.isEmpty() ? "PASS" : "FAIL",
        soakSeconds / 60,
        interval,
        runs.size(),
        changed,
        rolledBack,
        unchanged,
        transientFailures,
        log.size(),
        brokenCount,
        overlaps,
        problems.size(),
        maxGap,
        ys.isEmpty() ? Double.NaN : ys.get(0),
        ys.isEmpty() ? Double.NaN : ys.get(ys.size() - 1),
        rise,
        per100,
        finalVersion,
        newestGood);
  }

  private static Optional<Release> newestAt(List<Release> log, Instant t) {
    return log.stream().filter(r -> !r.end().isAfter(t)).reduce((a, b) -> b);
  }

  private static String names(List<Release> releases) {
    return releases.stream().map(r -> r.version() + "(" + r.kind() + ")").toList().toString();
  }
}
