package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Converger;
import org.warehouse.agent.converge.Plan;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Runner;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.resource.AptIndexResource;

class RunCoordinatorTest {
  @TempDir Path dir;
  private final List<String> runs = Collections.synchronizedList(new ArrayList<>());
  private Supplier<Plan> plan;
  private volatile boolean scheduledAllowed = true;

  @BeforeEach
  void reset() {
    ScriptedResource.RUNNING.set(0);
    ScriptedResource.MAX_RUNNING.set(0);
  }

  private RunCoordinator coordinator(Settings settings) {
    RunListener recorder =
        new RunListener() {
          @Override
          public void runStarted(String runId, Trigger trigger, boolean whyRun) {
            runs.add(trigger.label());
          }
        };
    return new RunCoordinator(
        new RunCoordinator.Context() {
          @Override
          public Settings settings() {
            return settings;
          }

          @Override
          public ConvergerFactory convergers() {
            return (s, l, p) -> new Converger(s, x -> plan.get(), l, Clock.systemUTC());
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
            return scheduledAllowed;
          }
        });
  }

  /** Records the run ids a request's listener saw. */
  private static final class Seen implements RunListener {
    final List<String> runIds = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void runStarted(String runId, Trigger trigger, boolean whyRun) {
      runIds.add(runId);
    }
  }

  /** A scheduled run of {@code c}, started and held in its one resource until {@code release}. */
  private Thread scheduledRunHeldBy(RunCoordinator c, CountDownLatch release) throws Exception {
    ScriptedResource slow = new ScriptedResource("slow:1", release, 0);
    plan = () -> Runner.plan(List.of(slow));
    Thread scheduled = new Thread(c::runScheduled);
    scheduled.start();
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
    return scheduled;
  }

  @Test
  void requestsDuringARunJoinIntoOneRunRightAfterItNeverInParallel() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RunCoordinator c = coordinator(TestSettings.load(dir, ""));
    Thread scheduled = scheduledRunHeldBy(c, release);
    assertThat(c.runningSince()).isPresent();

    Seen a = new Seen();
    Seen b = new Seen();
    CompletableFuture<RunOutcome> first = c.requestManual(false, a);
    CompletableFuture<RunOutcome> second = c.requestManual(false, b);
    Thread.sleep(200);
    assertThat(first).isNotDone();
    release.countDown();

    RunReport r1 = first.get(10, TimeUnit.SECONDS).report();
    RunReport r2 = second.get(10, TimeUnit.SECONDS).report();
    scheduled.join(10_000);

    assertThat(r1.runId()).isEqualTo(r2.runId());
    assertThat(r1.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(a.runIds).containsExactly(r1.runId());
    assertThat(b.runIds).containsExactly(r1.runId());
    assertThat(runs).containsExactly("scheduled", "manual");
    assertThat(ScriptedResource.MAX_RUNNING.get()).isEqualTo(1);
    assertThat(c.stop("test", java.time.Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void theRolloutBeatsRequestsJoinEachOtherAndRunLabelledRollout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RunCoordinator c = coordinator(TestSettings.load(dir, ""));
    Thread scheduled = scheduledRunHeldBy(c, release);

    CompletableFuture<RunOutcome> beat = c.requestRollout();
    CompletableFuture<RunOutcome> nextBeat = c.requestRollout();
    CompletableFuture<RunOutcome> manual = c.requestManual(false, RunListener.NONE);
    release.countDown();

    RunReport rollout = beat.get(10, TimeUnit.SECONDS).report();
    assertThat(rollout.trigger()).isEqualTo(Trigger.ROLLOUT);
    assertThat(nextBeat.get(10, TimeUnit.SECONDS).report().runId()).isEqualTo(rollout.runId());
    // A manual request does not join the rollout's run, nor the other way round: each run is
    // labelled by what asked for it.
    assertThat(manual.get(10, TimeUnit.SECONDS).report().trigger()).isEqualTo(Trigger.MANUAL);
    scheduled.join(10_000);
    assertThat(runs).containsExactly("scheduled", "rollout", "manual");
    assertThat(ScriptedResource.MAX_RUNNING.get()).isEqualTo(1);
    assertThat(c.stop("test", java.time.Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aRunPastRunTimeoutStopsBetweenResources() throws Exception {
    ScriptedResource slow = new ScriptedResource("slow:1", null, 1500);
    ScriptedResource next = new ScriptedResource("next:1", null, 0);
    plan = () -> Runner.plan(List.of(slow, next));
    RunCoordinator c = coordinator(TestSettings.load(dir, "run_timeout: 500ms\n"));

    RunOutcome o = c.requestManual(false, RunListener.NONE).get(20, TimeUnit.SECONDS);

    assertThat(o.report().resources())
        .extracting(r -> r.status())
        .containsExactly(ResourceStatus.UNCHANGED, ResourceStatus.SKIPPED);
    assertThat(o.report().error()).isEqualTo("stopped before next:1: run_timeout (500ms) exceeded");
    assertThat(o.report().result()).isEqualTo(RunResult.FAILED);
  }

  @Test
  void stopLetsTheStepInProgressFinishSkipsTheRestAndRefusesNewRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedResource installing = new ScriptedResource("package:w", release, 0);
    ScriptedResource after = new ScriptedResource("file:/a", null, 0);
    plan = () -> Runner.plan(List.of(installing, after));
    RunCoordinator c = coordinator(TestSettings.load(dir, ""));
    CompletableFuture<RunOutcome> running = c.requestManual(false, RunListener.NONE);
    assertThat(installing.entered.await(10, TimeUnit.SECONDS)).isTrue();
    new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              release.countDown();
            })
        .start();

    boolean idle = c.stop("agent stopping (SIGTERM)", java.time.Duration.ofSeconds(10));

    assertThat(idle).isTrue();
    RunReport report = running.get(1, TimeUnit.SECONDS).report();
    assertThat(report.resources())
        .extracting(r -> r.status())
        .containsExactly(ResourceStatus.UNCHANGED, ResourceStatus.SKIPPED);
    assertThat(report.error()).contains("agent stopping (SIGTERM)");
    RunOutcome refused = c.requestManual(false, RunListener.NONE).get(1, TimeUnit.SECONDS);
    assertThat(refused.error()).isEqualTo(Optional.of(RunError.STOPPING));
  }

  @Test
  void aDisabledAgentSkipsScheduledRunsButStillRunsManualOnes() throws Exception {
    plan = () -> Runner.plan(List.of());
    RunCoordinator c = coordinator(TestSettings.load(dir, ""));
    scheduledAllowed = false;
    c.runScheduled();
    assertThat(runs).isEmpty();

    // The CLI refuses a manual run of a disabled agent unless --force; what reaches the daemon
    // runs.
    RunOutcome manual = c.requestManual(false, RunListener.NONE).get(10, TimeUnit.SECONDS);
    assertThat(manual.error()).isEmpty();
    assertThat(runs).containsExactly("manual");

    scheduledAllowed = true;
    c.runScheduled();
    assertThat(runs).containsExactly("manual", "scheduled");
  }

  @Test
  void invalidInputIsReportedAsSuch() throws Exception {
    plan =
        () -> {
          throw new IllegalStateException("not reached");
        };
    RunCoordinator c =
        new RunCoordinator(
            new RunCoordinator.Context() {
              final Settings s = TestSettings.load(dir, "");

              @Override
              public Settings settings() {
                return s;
              }

              @Override
              public ConvergerFactory convergers() {
                return (st, l, p) ->
                    new Converger(
                        st,
                        x -> {
                          throw new org.warehouse.agent.converge.PlanException(
                              "attributes.d/10.yml:3: bad");
                        },
                        l,
                        Clock.systemUTC());
              }

              @Override
              public RunListener listener() {
                return RunListener.NONE;
              }

              @Override
              public AptIndexResource.PollObserver polls() {
                return (r, result) -> {};
              }

              @Override
              public boolean scheduledRunAllowed() {
                return true;
              }
            });

    RunOutcome o = c.requestManual(false, RunListener.NONE).get(10, TimeUnit.SECONDS);

    assertThat(o.error()).isEqualTo(Optional.of(RunError.INVALID_INPUT));
    assertThat(o.message()).isEqualTo("attributes.d/10.yml:3: bad");
  }
}
