package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.Result;

class RunnerStopTest {
  @Test
  void aStopAskedDuringAStepLetsThatStepFinishSkipsTheRestAndStillRestarts() throws Exception {
    StopRequest stop = new StopRequest();
    FakeResources.Value pkg = new FakeResources.Value("package:w", "2", "1");
    Resource stoppedDuringInstall =
        new Resource() {
          @Override
          public ResourceId id() {
            return pkg.id();
          }

          @Override
          public Result checkApply(boolean apply) {
            // SIGTERM arrives while the install runs: the install must still complete.
            stop.request("agent stopping (SIGTERM)");
            return pkg.checkApply(apply);
          }
        };
    FakeResources.Value file = new FakeResources.Value("file:/a", "new", "old");
    FakeResources.Service web = new FakeResources.Service();
    Plan plan =
        new Plan(
            List.of(stoppedDuringInstall, file, web),
            Map.of(web.id(), Set.of(pkg.id(), file.id())));

    RunReport report =
        new Runner(Duration.ofSeconds(5), RunListener.NONE, Clock.systemUTC(), stop)
            .run(plan, true, Trigger.SCHEDULED);

    assertThat(report.resources())
        .extracting(ResourceReport::status)
        .containsExactly(ResourceStatus.CHANGED, ResourceStatus.SKIPPED, ResourceStatus.SKIPPED);
    assertThat(report.resources().get(1).detail())
        .isEqualTo("the run was stopped: agent stopping (SIGTERM)");
    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error()).isEqualTo("stopped before file:/a: agent stopping (SIGTERM)");
    assertThat(pkg.actual).isEqualTo("2");
    assertThat(file.actual).isEqualTo("old");
    assertThat(web.restarts).containsExactly("restart");
  }

  @Test
  void aStopNeverAskedChangesNothing() throws Exception {
    FakeResources.Value file = new FakeResources.Value("file:/a", "new", "old");

    RunReport report =
        new Runner(Duration.ofSeconds(5), RunListener.NONE, Clock.systemUTC(), new StopRequest())
            .run(Runner.plan(List.of(file)), true, Trigger.MANUAL);

    assertThat(report.result()).isEqualTo(RunResult.CHANGED);
  }
}
