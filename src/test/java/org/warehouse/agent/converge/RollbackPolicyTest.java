package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;

/**
 * When the runner rolls back, what, in which order, and how it reports it; and when it does not.
 */
class RollbackPolicyTest {
  private final List<String> events = new ArrayList<>();
  private final RunListener recorder =
      new RunListener() {
        @Override
        public void resourceFinished(ResourceReport report, boolean notification) {
          events.add((notification ? "notify " : "") + report.id() + "=" + report.status());
        }
      };
  private final Runner runner = new Runner(Duration.ofSeconds(5), recorder, Clock.systemUTC());

  private final FakeResources.Undoable pkg =
      new FakeResources.Undoable("package:w", "2", "1", true);
  private final FakeResources.Undoable file =
      new FakeResources.Undoable("file:/c", "new", "old", true);
  private final FakeResources.CheckedService web =
      new FakeResources.CheckedService("service:web", () -> pkg.actual.equals("1"));

  private static Plan plan(List<Resource> resources, Object... subscriptions) {
    Map<ResourceId, Set<ResourceId>> subs = new java.util.LinkedHashMap<>();
    for (int i = 0; i < subscriptions.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<ResourceId> on = (List<ResourceId>) subscriptions[i + 1];
      subs.put((ResourceId) subscriptions[i], new LinkedHashSet<>(on));
    }
    return new Plan(resources, subs);
  }

  @Test
  void aFailedRestartAfterAnUpgradeRollsBackWhatItSubscribesToAndChecksAgain() throws Exception {
    Plan p = plan(List.of(pkg, file, web), web.id(), List.of(pkg.id(), file.id()));

    RunReport report = runner.run(p, true, Trigger.MANUAL);

    assertThat(pkg.actual).isEqualTo("1");
    assertThat(file.actual).isEqualTo("old");
    assertThat(web.restarts).hasSize(2);
    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error())
        .isEqualTo(
            "service:web failed health check after upgrade of package:w to 2 and upgrade of"
                + " file:/c to new (HTTP 500 from http://127.0.0.1:8000/_health/); rolled back to"
                + " package:w 1 and file:/c old");
    assertThat(pkg.rollbacks)
        .containsExactly(
            "service:web failed health check after upgrade of package:w to 2 and upgrade of"
                + " file:/c to new (HTTP 500 from http://127.0.0.1:8000/_health/)");
    assertThat(report.resources())
        .extracting(ResourceReport::id, ResourceReport::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("package:w"), ResourceStatus.ROLLED_BACK),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("file:/c"), ResourceStatus.ROLLED_BACK),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("service:web"), ResourceStatus.UNCHANGED));
    ResourceReport rolled = report.resources().get(0);
    assertThat(rolled.before()).isEqualTo("1");
    assertThat(rolled.after()).isEqualTo("1");
    assertThat(rolled.detail()).isEqualTo("changed to 2 (upgraded); rolled back: reinstalled 1");
    assertThat(report.notifications())
        .extracting(ResourceReport::status, ResourceReport::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ResourceStatus.FAILED, "notified by package:w, file:/c"),
            org.assertj.core.groups.Tuple.tuple(
                ResourceStatus.CHANGED, "after rollback; restarted"));
    assertThat(events)
        .containsExactly(
            "package:w=changed",
            "file:/c=changed",
            "service:web=unchanged",
            "notify service:web=failed",
            "package:w=rolled_back",
            "file:/c=rolled_back",
            "notify service:web=changed");
  }

  @Test
  void theServicesBaselineIsTakenOnceBeforeTheFirstChangeAndNotAtAllWhenNothingChanges()
      throws Exception {
    web.witness = () -> "package at " + pkg.actual + ", file " + file.actual;
    Plan p = plan(List.of(pkg, file, web), web.id(), List.of(pkg.id(), file.id()));
    FakeResources.Undoable same = new FakeResources.Undoable("package:w", "1", "1", true);

    runner.run(plan(List.of(same, web), web.id(), List.of(same.id())), true, Trigger.MANUAL);
    assertThat(web.baselines).as("a run with nothing to change").isEmpty();
    assertThat(same.checks)
        .as("checked once: the why-run check is its whole run")
        .containsExactly(false);

    runner.run(p, true, Trigger.MANUAL);
    assertThat(web.baselines).containsExactly("package at 1, file old");
    // The first change is checked, then applied; after the baseline the rest go straight to apply.
    assertThat(pkg.checks).containsExactly(false, true);
    assertThat(file.checks).containsExactly(true);
  }

  @Test
  void aServiceThatWasAlreadyBrokenIsNotABlameForTheRunsChanges() throws Exception {
    web.brokenBefore = "service:web was not running: failed (failed)";
    Plan p = plan(List.of(pkg, web), web.id(), List.of(pkg.id()));

    RunReport report = runner.run(p, true, Trigger.MANUAL);

    assertThat(pkg.rollbacks).isEmpty();
    assertThat(pkg.actual).isEqualTo("2");
    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error())
        .isEqualTo(
            "service:web failed health check after upgrade of package:w to 2 (HTTP 500 from"
                + " http://127.0.0.1:8000/_health/); not rolled back: before this run,"
                + " service:web was not running: failed (failed)");
    assertThat(report.resources())
        .extracting(ResourceReport::status)
        .contains(ResourceStatus.CHANGED);
  }

  @Test
  void withoutAKnownPreviousStateNothingIsRolledBack() throws Exception {
    FakeResources.Undoable firstInstall =
        new FakeResources.Undoable("package:w", "2", "absent", false);
    FakeResources.CheckedService svc = new FakeResources.CheckedService("service:web", () -> false);
    Plan p = plan(List.of(firstInstall, svc), svc.id(), List.of(firstInstall.id()));

    RunReport report = runner.run(p, true, Trigger.MANUAL);

    assertThat(firstInstall.rollbacks).isEmpty();
    assertThat(report.error())
        .endsWith("; not rolled back: no previous state known (first install or new file)");
    assertThat(svc.restarts).hasSize(1);
  }

  @Test
  void aFailureWithNothingChangedIsReportedAndNothingIsTouched() throws Exception {
    FakeResources.Undoable same = new FakeResources.Undoable("package:w", "1", "1", true);
    Plan p = plan(List.of(same, new FakeResources.Failing(), web), web.id(), List.of(same.id()));

    RunReport report = runner.run(p, true, Trigger.MANUAL);

    assertThat(report.error()).isEqualTo("fail:x: disk on fire | second line");
    assertThat(same.rollbacks).isEmpty();
    assertThat(web.restarts).isEmpty();
  }

  @Test
  void aRollbackThatFailsIsTheWorstOutcomeAndTheServiceIsStillRetried() throws Exception {
    pkg.rollbackFailure = "cannot reinstall w 1: the repository no longer has it";
    Plan p = plan(List.of(pkg, web), web.id(), List.of(pkg.id()));

    RunReport report = runner.run(p, true, Trigger.MANUAL);

    assertThat(report.result()).isEqualTo(RunResult.FAILED);
    assertThat(report.error())
        .startsWith("ROLLBACK FAILED: service:web failed health check after upgrade of package:w")
        .contains(
            "rolling back package:w failed: cannot reinstall w 1: the repository no longer has it",
            "service:web still fails after the rollback: service:web failed health check");
    assertThat(report.resources().get(0).status()).isEqualTo(ResourceStatus.ROLLBACK_FAILED);
    assertThat(report.resources().get(0).failed()).isTrue();
    // The host stays changed: --detailed-exitcodes says changed and failed.
    assertThat(report.changedAnything()).isTrue();
    assertThat(report.notifications())
        .extracting(ResourceReport::status)
        .containsExactly(ResourceStatus.FAILED, ResourceStatus.ROLLBACK_FAILED);
    assertThat(web.restarts).hasSize(2);
  }

  @Test
  void servicesAlreadyRestartedOntoTheBadChangeAreRestartedAgainLaterOnesNotAtAll()
      throws Exception {
    FakeResources.CheckedService worker =
        new FakeResources.CheckedService("service:worker", () -> true);
    FakeResources.CheckedService beat =
        new FakeResources.CheckedService("service:beat", () -> true);
    Plan p =
        plan(
            List.of(pkg, worker, web, beat),
            worker.id(),
            List.of(pkg.id()),
            web.id(),
            List.of(pkg.id()),
            beat.id(),
            List.of(pkg.id()));

    RunReport report = runner.run(p, true, Trigger.MANUAL);

    assertThat(pkg.actual).isEqualTo("1");
    assertThat(worker.restarts).hasSize(2);
    assertThat(web.restarts).hasSize(2);
    // beat never ran the bad version: its trigger was undone before its turn.
    assertThat(beat.restarts).isEmpty();
    assertThat(report.notifications())
        .extracting(ResourceReport::id, ResourceReport::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("service:worker"), ResourceStatus.CHANGED),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("service:web"), ResourceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("service:worker"), ResourceStatus.CHANGED),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.parse("service:web"), ResourceStatus.CHANGED));
  }

  @Test
  void whyRunNeverRollsBack() throws Exception {
    FakeResources.CheckedService failing =
        new FakeResources.CheckedService("service:web", () -> false);
    Plan p = plan(List.of(pkg, failing), failing.id(), List.of(pkg.id()));

    RunReport report = runner.run(p, false, Trigger.MANUAL);

    assertThat(report.result()).isEqualTo(RunResult.CHANGED);
    assertThat(pkg.rollbacks).isEmpty();
    assertThat(pkg.actual).isEqualTo("1");
  }

  @Test
  void theNextRunWithNothingToDoIsUnchanged() throws Exception {
    Plan p = plan(List.of(pkg, web), web.id(), List.of(pkg.id()));
    runner.run(p, true, Trigger.MANUAL);
    // A quarantined version: the package now stays at 1.
    FakeResources.Undoable stays = new FakeResources.Undoable("package:w", "1", "1", true);

    RunReport next =
        runner.run(plan(List.of(stays, web), web.id(), List.of(stays.id())), true, Trigger.MANUAL);

    assertThat(next.result()).isEqualTo(RunResult.UNCHANGED);
    assertThat(web.restarts).hasSize(2);
  }
}
