package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.service.FakeSystemd;
import org.warehouse.agent.service.HealthCheck;
import org.warehouse.agent.service.HealthServer;

class ServiceResourceTest {
  private static final String UNIT = "web.service";
  private final FakeSystemd systemd = new FakeSystemd();

  private ServiceResource service(Optional<HealthCheck> health) {
    return new ServiceResource(UNIT, systemd.manager(), health);
  }

  private static List<String> systemctl(String verb) {
    return List.of("systemctl", "--no-pager", "--quiet", verb, "--", UNIT);
  }

  private List<List<String>> changes() {
    return systemd.argvs.stream().filter(a -> !a.get(3).equals("show")).toList();
  }

  @Test
  void aRestartIsVerifiedByANewPidAndAHealthyAnswer() throws Exception {
    try (HealthServer health = new HealthServer(503, 200)) {
      Result r =
          service(Optional.of(new HealthCheck(health.url(), Duration.ofSeconds(5)))).refresh(true);

      assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
      assertThat(r.before()).isEqualTo("active (running) pid 100");
      assertThat(r.after()).isEqualTo("active (running) pid 200, healthy");
      // No reset-failed on the way: a process saved on every restart.
      assertThat(changes()).containsExactly(systemctl("restart"));
      assertThat(health.requests()).isEqualTo(2);
    }
  }

  @Test
  void aRestartOntoAGatedChangeWaitsForTheGateAndNeverHappensWhenTheSlotIsLost() {
    TransactionGate lostSlot =
        new TransactionGate() {
          @Override
          public void confirm() throws ResourceException {
            throw new ResourceException("not restarted: this host lost its rollout slot");
          }
        };
    ServiceResource s = new ServiceResource(UNIT, systemd.manager(), Optional.empty(), lostSlot);

    assertThatThrownBy(() -> s.refresh(true))
        .hasMessage("not restarted: this host lost its rollout slot");
    assertThat(changes()).isEmpty();
  }

  @Test
  void aHealthyAnswerIsTheProofWithNoSettleTimeOnTop() throws Exception {
    try (HealthServer health = new HealthServer(200)) {
      ServiceResource s =
          new ServiceResource(
              UNIT,
              systemd.manager(Duration.ofHours(1)),
              Optional.of(new HealthCheck(health.url(), Duration.ofSeconds(5))));

      // Waiting out the hour would fail this; the healthy answer ends the wait.
      Result r = assertTimeoutPreemptively(Duration.ofMinutes(1), () -> s.refresh(true));

      assertThat(r.after()).isEqualTo("active (running) pid 200, healthy");
    }
  }

  @Test
  void withoutAHealthCheckAUnitThatDiesWithinTheSettleTimeFails() {
    // Up before the restart and right after it, gone when the settle time is over.
    systemd.dieAfterShows = 2;
    ServiceResource s =
        new ServiceResource(UNIT, systemd.manager(Duration.ofMillis(20)), Optional.empty());

    assertThatThrownBy(() -> s.refresh(true)).hasMessageContaining("started but did not stay up");
  }

  @Test
  void anUnhealthyAnswerFailsWithTheStatus() throws Exception {
    try (HealthServer health = new HealthServer(500)) {
      ServiceResource s =
          service(Optional.of(new HealthCheck(health.url(), Duration.ofMillis(500))));

      assertThatThrownBy(() -> s.refresh(true))
          .isInstanceOfSatisfying(
              ResourceException.class,
              e -> {
                assertThat(e.headline()).isEqualTo("web.service failed health check");
                assertThat(e.detail())
                    .startsWith("HTTP 500 from " + health.url() + " (")
                    .endsWith("tries in 500ms, health_timeout)");
              });
    }
  }

  @Test
  void aUnitThatCrashesAtStartFailsBeforeAnyHealthCheck() throws Exception {
    systemd.crashOnStart = true;
    try (HealthServer health = new HealthServer(200)) {
      ServiceResource s =
          service(Optional.of(new HealthCheck(health.url(), Duration.ofSeconds(5))));

      assertThatThrownBy(() -> s.refresh(true))
          .hasMessage("web.service did not start: failed (failed)");
      assertThat(health.requests()).isZero();
    }
  }

  @Test
  void aUnitThatDiesWhileWarmingUpStopsTheWait() throws Exception {
    try (HealthServer health = new HealthServer(503)) {
      ServiceResource s =
          service(Optional.of(new HealthCheck(health.url(), Duration.ofSeconds(30))));
      // Up at restart and after settling, then gone at the first check between health polls.
      systemd.dieAfterShows = 3;
      long t0 = System.nanoTime();

      assertThatThrownBy(() -> s.refresh(true))
          .hasMessage(
              "web.service stopped while waiting for its health check: pid 200, now failed"
                  + " (failed)");
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000L);
    }
  }

  @Test
  void aUnitThatHitItsStartLimitIsResetAndRestartedOnce() throws Exception {
    systemd.startLimitHit = true;

    Result r = service(Optional.empty()).refresh(true);

    assertThat(r.after()).isEqualTo("active (running) pid 200");
    assertThat(changes())
        .containsExactly(systemctl("restart"), systemctl("reset-failed"), systemctl("restart"));
  }

  @Test
  void aStoppedDisabledUnitIsEnabledStartedAndCheckedAndNotRestartedTwice() throws Exception {
    systemd.activeState = "inactive";
    systemd.subState = "dead";
    systemd.unitFileState = "disabled";
    systemd.pid = 0;
    try (HealthServer health = new HealthServer(200)) {
      ServiceResource s =
          service(Optional.of(new HealthCheck(health.url(), Duration.ofSeconds(5))));

      Result r = s.checkApply(true);

      assertThat(r.detail()).isEqualTo("enabled, started");
      assertThat(r.after()).isEqualTo("active (running) pid 200, healthy");
      assertThat(health.requests()).isEqualTo(1);
      assertThat(s.refresh(true).outcome()).isEqualTo(Outcome.UNCHANGED);
      // A second notification (after a rollback) restarts for real.
      assertThat(s.refresh(true).outcome()).isEqualTo(Outcome.CHANGED);
      assertThat(changes())
          .containsExactly(systemctl("enable"), systemctl("start"), systemctl("restart"));
    }
  }

  @Test
  void aStartThatFailsItsHealthCheckIsNotCountedAsStarted() throws Exception {
    systemd.activeState = "failed";
    systemd.subState = "failed";
    systemd.pid = 0;
    try (HealthServer health = new HealthServer(500)) {
      ServiceResource s =
          service(Optional.of(new HealthCheck(health.url(), Duration.ofMillis(300))));

      assertThatThrownBy(() -> s.checkApply(true))
          .hasMessageStartingWith("web.service failed health check: HTTP 500");
      // The queued restart must still run (and fail), so that the runner can roll back.
      assertThatThrownBy(() -> s.refresh(true))
          .hasMessageStartingWith("web.service failed health check");
      assertThat(changes()).contains(systemctl("restart"));
    }
  }

  @Test
  void baselineSaysWhatWasAlreadyWrong() throws Exception {
    try (HealthServer bad = new HealthServer(500);
        HealthServer good = new HealthServer(200)) {
      assertThat(
              service(Optional.of(new HealthCheck(good.url(), Duration.ofSeconds(60))))
                  .baseline()
                  .after())
          .isEqualTo("active (running) pid 100, healthy");
      assertThatThrownBy(
              () ->
                  service(Optional.of(new HealthCheck(bad.url(), Duration.ofSeconds(60))))
                      .baseline())
          .hasMessage("web.service was already unhealthy: HTTP 500 from " + bad.url());
      // One probe, not a wait of the whole health timeout.
      assertThat(bad.requests()).isEqualTo(1);
      systemd.activeState = "failed";
      systemd.subState = "failed";
      assertThatThrownBy(() -> service(Optional.empty()).baseline())
          .hasMessage("web.service was not running: failed (failed) pid 100");
      systemd.loadState = "not-found";
      assertThatThrownBy(() -> service(Optional.empty()).baseline())
          .hasMessage("web.service was not installed");
    }
  }

  @Test
  void withoutAHealthUrlARestartIsVerifiedBySystemdAlone() throws Exception {
    Result r = service(Optional.empty()).refresh(true);
    assertThat(r.after()).isEqualTo("active (running) pid 200");
    assertThat(service(Optional.empty()).refresh(false).outcome()).isEqualTo(Outcome.WOULD_CHANGE);
  }
}
