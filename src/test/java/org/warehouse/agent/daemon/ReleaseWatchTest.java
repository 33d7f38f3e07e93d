package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Converger;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.Runner;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.AptIndexResource;
import org.warehouse.agent.sandbox.Await;
import org.warehouse.agent.sandbox.RepositoryServer;

/**
 * The release watch: probes splayed per host, a change converges at once through the run
 * coordinator (after a run in progress, never beside it), nothing else does, and no probe is made
 * while a converge runs.
 */
@Timeout(60)
class ReleaseWatchTest {
  @TempDir Path dir;
  private RepositoryServer server;
  private final List<String> probes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger converges = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    publish("Sat, 05 Dec 2026 08:12:34 UTC");
    server = RepositoryServer.start(dir.resolve("repo"));
    ScriptedResource.RUNNING.set(0);
    ScriptedResource.MAX_RUNNING.set(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void publish(String date) throws IOException {
    Path file = dir.resolve("repo/dists/stable/InRelease");
    Files.createDirectories(file.getParent());
    Files.writeString(file, ReleaseCheckTest.IN_RELEASE.formatted(date));
  }

  private Settings settings(String probeInterval) throws Exception {
    return TestSettings.load(
        dir,
        "first_run_delay: 0s\nrepositories:\n  - name: warehouse\n    uri: "
            + server.uri()
            + "\n    suite: stable\n    components: [main]\n    signed_by: /k.gpg\n"
            + "    poll_timeout: 2s\napt:\n  probe_interval: "
            + probeInterval
            + "\n");
  }

  /** What a converge records once it refreshed the index the server serves now. */
  private void refreshed(Settings s) throws Exception {
    new ProbeCache(s.stateDir())
        .save(
            "warehouse",
            new RepositoryProbe(Clock.systemUTC())
                .probe(ReleaseCheckTest.repository(server, Duration.ofSeconds(5)), Optional.empty())
                .state());
  }

  private ReleaseWatch watch(Settings s, Runnable converge, boolean converging) {
    return new ReleaseWatch(
        () -> s,
        () -> converging,
        converge,
        (repository, result, at) -> probes.add(repository + ":" + result),
        Clock.systemUTC(),
        "host-a");
  }

  @Test
  void probesComeAtTheHostsOffsetInEachWindow() {
    Duration every = Duration.ofMinutes(1);
    Duration offset = HostSplay.offset("host-a", every);
    Instant t = Instant.parse("2026-12-07T12:00:00Z");

    Instant first = ReleaseWatch.nextProbe(t, every, offset);
    Instant second = ReleaseWatch.nextProbe(first, every, offset);

    assertThat(first).isEqualTo(t.plus(offset));
    assertThat(Duration.between(first, second)).isEqualTo(every);
    assertThat(ReleaseWatch.nextProbe(first.minusMillis(1), every, offset)).isEqualTo(first);
  }

  @Test
  void aFleetSpreadsItsProbesOverTheWindow() {
    // 10,000 hosts at a 1m probe_interval: 167 a second on average, none in a burst.
    Duration every = Duration.ofMinutes(1);
    Instant t = Instant.parse("2026-12-07T12:00:00Z");
    int[] perSecond = new int[60];
    for (int i = 0; i < 10_000; i++) {
      String machineId = String.format("%032x", (long) i * 2_654_435_761L);
      Instant probe = ReleaseWatch.nextProbe(t, every, HostSplay.offset(machineId, every));
      perSecond[(int) Duration.between(t, probe).toSeconds() % 60]++;
    }
    for (int n : perSecond) {
      assertThat(n).isBetween(110, 230);
    }
  }

  @Test
  void aNewReleaseConvergesOnceAnUnchangedOneNever() throws Exception {
    Settings s = settings("1m");
    refreshed(s);
    ReleaseWatch w = watch(s, converges::incrementAndGet, false);

    w.round(s);
    w.round(s);
    assertThat(converges).hasValue(0);

    publish("Mon, 07 Dec 2026 08:00:00 UTC");
    w.round(s);
    assertThat(converges).hasValue(1);
    w.round(s);
    assertThat(converges).hasValue(1);
    assertThat(probes)
        .containsExactly(
            "warehouse:unchanged",
            "warehouse:unchanged",
            "warehouse:changed",
            "warehouse:unchanged");
  }

  @Test
  void aFailedProbeConvergesNot() throws Exception {
    Settings s = settings("1m");
    refreshed(s);
    ReleaseWatch w = watch(s, converges::incrementAndGet, false);
    server.setFault(RepositoryServer.Fault.STATUS_500);

    w.round(s);
    server.setFault(RepositoryServer.Fault.DOWN);
    w.round(s);

    assertThat(converges).hasValue(0);
    assertThat(probes).containsExactly("warehouse:failed", "warehouse:failed");
  }

  @Test
  void noProbeWhileAConvergeRuns() throws Exception {
    Settings s = settings("1m");
    CountDownLatch release = new CountDownLatch(1);
    ScriptedResource slow = new ScriptedResource("slow:1", release, 0);
    RunCoordinator c = new RunCoordinator(context(s, slow, new ArrayList<>()));
    CompletableFuture<RunOutcome> manual = c.requestManual(false, RunListener.NONE);
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
    publish("Mon, 07 Dec 2026 08:00:00 UTC");
    server.clearRequests();

    new ReleaseWatch(
            () -> s,
            () -> c.runningSince().isPresent(),
            converges::incrementAndGet,
            (repository, result, at) -> probes.add(repository + ":" + result),
            Clock.systemUTC(),
            "host-a")
        .round(s);

    release.countDown();
    manual.get(10, TimeUnit.SECONDS);
    assertThat(probes).isEmpty();
    assertThat(converges).hasValue(0);
    Thread.sleep(200);
    assertThat(server.requests()).isEmpty();
    assertThat(c.stop("test", Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aChangeSeenDuringARunConvergesOnceRightAfterItNeverBeside() throws Exception {
    Settings s = settings("1m");
    refreshed(s);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedResource slow = new ScriptedResource("slow:1", release, 0);
    List<String> runs = Collections.synchronizedList(new ArrayList<>());
    RunCoordinator c = new RunCoordinator(context(s, slow, runs));
    CompletableFuture<RunOutcome> manual = c.requestManual(false, RunListener.NONE);
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
    publish("Mon, 07 Dec 2026 08:00:00 UTC");
    // A probe that began just before that run started: it sees the change while the run goes on.
    ReleaseWatch w = watch(s, c::runScheduled, false);
    Thread watchThread =
        new Thread(
            () -> {
              try {
                w.round(s);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    watchThread.start();
    Await.until("the change seen", Duration.ofSeconds(10), () -> !probes.isEmpty());
    Thread.sleep(300);
    assertThat(watchThread.isAlive()).as("waiting for the run in progress").isTrue();
    assertThat(runs).containsExactly("manual");

    release.countDown();
    manual.get(10, TimeUnit.SECONDS);
    watchThread.join(10_000);

    assertThat(probes).containsExactly("warehouse:changed");
    assertThat(runs).containsExactly("manual", "scheduled");
    assertThat(ScriptedResource.MAX_RUNNING.get()).isEqualTo(1);
    assertThat(c.stop("test", Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void theWatchProbesOnItsOwnAndConvergesWithinAProbeInterval() throws Exception {
    Settings s = settings("1s");
    refreshed(s);
    CountDownLatch converged = new CountDownLatch(1);
    ReleaseWatch w = watch(s, converged::countDown, false).start();
    try {
      Await.until("three probes", Duration.ofSeconds(10), () -> probes.size() >= 3);
      assertThat(converged.getCount()).isEqualTo(1);
      assertThat(probes).allMatch(p -> p.equals("warehouse:unchanged"));

      publish("Mon, 07 Dec 2026 08:00:00 UTC");
      long t0 = System.nanoTime();
      assertThat(converged.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
      assertThat(probes).contains("warehouse:changed");
    } finally {
      w.close();
    }
    int after = probes.size();
    Thread.sleep(2500);
    assertThat(probes).as("no probe after close").hasSize(after);
  }

  @Test
  void anInternalErrorIsLoggedAndTheWatchGoesOnAtTheNextSlot() throws Exception {
    Settings s = settings("1s");
    refreshed(s);
    AtomicInteger calls = new AtomicInteger();
    ReleaseWatch w =
        new ReleaseWatch(
                () -> s,
                () -> false,
                converges::incrementAndGet,
                (repository, result, at) -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("a bug in an observer");
                },
                Clock.systemUTC(),
                "host-a")
            .start();
    try {
      Thread.sleep(4500);
    } finally {
      w.close();
    }
    // One probe a second, neither stopped by the error nor repeated in a loop.
    assertThat(calls.get()).isBetween(3, 6);
  }

  @Test
  void zeroTurnsProbesOff() throws Exception {
    Settings s = settings("0s");
    server.clearRequests();
    ReleaseWatch w = watch(s, converges::incrementAndGet, false).start();
    try {
      Thread.sleep(2500);
    } finally {
      w.close();
    }
    assertThat(server.requests()).isEmpty();
    assertThat(probes).isEmpty();
  }

  private static RunCoordinator.Context context(
      Settings s, ScriptedResource slow, List<String> runs) {
    RunListener recorder =
        new RunListener() {
          @Override
          public void runStarted(String runId, Trigger trigger, boolean whyRun) {
            runs.add(trigger.label());
          }
        };
    return new RunCoordinator.Context() {
      @Override
      public Settings settings() {
        return s;
      }

      @Override
      public ConvergerFactory convergers() {
        return (x, l, p) -> new Converger(x, y -> Runner.plan(List.of(slow)), l, Clock.systemUTC());
      }

      @Override
      public RunListener listener() {
        return recorder;
      }

      @Override
      public AptIndexResource.PollObserver polls() {
        return (r, result) -> {};
      }

      @Override
      public boolean scheduledRunAllowed() {
        return true;
      }
    };
  }
}
