package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;

class RunnerTest {
  private final List<String> events = new ArrayList<>();
  private final RunListener recorder =
      new RunListener() {
        @Override
        public void resourceFinished(ResourceReport report, boolean notification) {
          events.add((notification ? "notify " : "") + report.id() + "=" + report.status());
        }
      };
  private final Runner runner = new Runner(Duration.ofSeconds(5), recorder, Clock.systemUTC());

  @Test
  void convergesThenReportsUnchangedOnTheSecondRun() throws Exception {
    FakeResources.Value file = new FakeResources.Value("file:/a", "new", "old");
    FakeResources.Service web = new FakeResources.Service();
    Plan plan = new Plan(List.of(file, web), Map.of(web.id(), Set.of(file.id())));

    RunReport first = runner.run(plan, true, Trigger.MANUAL);
    RunReport second = runner.run(plan, true, Trigger.MANUAL);

    assertThat(first.result()).isEqualTo(RunResult.CHANGED);
    assertThat(first.resources().get(0).before()).isEqualTo("old");
    assertThat(first.resources().get(0).after()).isEqualTo("new");
    assertThat(first.notifications())
        .extracting(ResourceReport::status)
        .containsExactly(ResourceStatus.CHANGED);
    assertThat(second.result()).isEqualTo(RunResult.UNCHANGED);
    assertThat(second.notifications()).isEmpty();
    assertThat(file.applies.get()).isEqualTo(1);
    assertThat(web.restarts).hasSize(1);
  }

  @Test
  void whyRunReportsWhatWouldChangeAndChangesNothing() throws Exception {
    FakeResources.Value file = new FakeResources.Value("file:/a", "new", "old");
    FakeResources.Service web = new FakeResources.Service();
    Plan plan = new Plan(List.of(file, web), Map.of(web.id(), Set.of(file.id())));

    RunReport report = runner.run(plan, false, Trigger.MANUAL);

    assertThat(report.whyRun()).isTrue();
    assertThat(report.resources().get(0).status()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(report.notifications())
        .extracting(ResourceReport::status)
        .containsExactly(ResourceStatus.WOULD_CHANGE);
    assertThat(file.actual).isEqualTo("old");
    assertThat(file.applies.get()).isZero();
    assertThat(web.restarts).isEmpty();
  }

  @Test
  void aFailureSkipsLaterResourcesButQueuedRestartsStillRunOnce() throws Exception {
    FakeResources.Value pkg = new FakeResources.Value("package:w", "2", "1");
    FakeResources.Value file = new FakeResources.Value("file:/a", "new", "old");
    FakeResources.Service web = new FakeResources.Service();
    Plan plan =
        new Plan(
            List.of(pkg, file, new FakeResources.Failing(), web),
            Map.of(web.id(), Set.of(pkg.id(), file.id())));

    RunReport report = runner.run(plan, true, Trigger.SCHEDULED);

    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error()).isEqualTo("fail:x: disk on fire | second line");
    assertThat(report.resources())
        .extracting(ResourceReport::status)
        .containsExactly(
            ResourceStatus.CHANGED,
            ResourceStatus.CHANGED,
            ResourceStatus.FAILED,
            ResourceStatus.SKIPPED);
    assertThat(web.restarts).containsExactly("restart");
    assertThat(events)
        .containsExactly(
            "package:w=changed",
            "file:/a=changed",
            "fail:x=failed",
            "service:web=skipped",
            "notify service:web=changed");
  }

  @Test
  void aHangingResourceTimesOutIsInterruptedAndFailsTheRun() throws Exception {
    FakeResources.Hanging hang = new FakeResources.Hanging();
    FakeResources.Value after = new FakeResources.Value("file:/b", "x", "y");
    Runner quick = new Runner(Duration.ofMillis(200), recorder, Clock.systemUTC());

    RunReport report = quick.run(Runner.plan(List.<Resource>of(hang, after)), true, Trigger.MANUAL);

    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.resources().get(0).status()).isEqualTo(ResourceStatus.TIMED_OUT);
    assertThat(report.resources().get(0).error()).contains("resource_timeout");
    assertThat(report.resources().get(1).status()).isEqualTo(ResourceStatus.SKIPPED);
    assertThat(after.applies.get()).isZero();
    Thread.sleep(100);
    assertThat(hang.interrupted).isTrue();
  }

  @Test
  void aRuntimeExceptionIsAFailedResourceNotACrashedRun() throws Exception {
    Resource broken =
        new Resource() {
          @Override
          public ResourceId id() {
            return ResourceId.parse("bug:x");
          }

          @Override
          public org.warehouse.agent.resource.Result checkApply(boolean apply) {
            throw new IllegalStateException("oops");
          }
        };

    RunReport report = runner.run(Runner.plan(List.of(broken)), true, Trigger.MANUAL);

    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error()).isEqualTo("bug:x: internal error: IllegalStateException: oops");
  }

  @Test
  void nothingChangedMeansNoRestart() throws Exception {
    FakeResources.Value file = new FakeResources.Value("file:/a", "same", "same");
    FakeResources.Service web = new FakeResources.Service();
    Plan plan = new Plan(List.of(file, web), Map.of(web.id(), Set.of(file.id())));

    RunReport report = runner.run(plan, true, Trigger.MANUAL);

    assertThat(report.result()).isEqualTo(RunResult.UNCHANGED);
    assertThat(web.restarts).isEmpty();
  }
}
