package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.AptConfig;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.IndexFreshness;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.RepositoryProbe;
import org.warehouse.agent.exec.FakeCommandRunner;
import org.warehouse.agent.sandbox.Await;
import org.warehouse.agent.sandbox.RepositoryServer;

/**
 * When the agent refreshes its indexes: on a change, after apt.max_index_age even on 304, and never
 * with an index past its Valid-Until (the run fails instead).
 */
@Timeout(30)
class AptIndexResourceTest {
  private static final Instant DATE = Instant.parse("2026-12-05T08:12:34Z");
  private static final Instant VALID_UNTIL = Instant.parse("2026-12-12T08:12:34Z");
  private static final String IN_RELEASE =
      """
      -----BEGIN PGP SIGNED MESSAGE-----
      Hash: SHA512

      Suite: stable
      Date: Sat, 05 Dec 2026 08:12:34 UTC
      Valid-Until: Sat, 12 Dec 2026 08:12:34 UTC
      -----BEGIN PGP SIGNATURE-----
      -----END PGP SIGNATURE-----
      """;

  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-07T02:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** What the resource told the metrics. */
  private static final class Recorder implements AptIndexResource.PollObserver {
    final List<String> polls = new ArrayList<>();
    final List<Instant> dates = new ArrayList<>();

    @Override
    public void accept(String repository, String result) {
      polls.add(repository + "=" + result);
    }

    @Override
    public void indexDate(String repository, Instant date) {
      dates.add(date);
    }
  }

  @TempDir Path dir;
  private RepositoryServer server;
  private final MovableClock clock = new MovableClock();
  private final Recorder recorder = new Recorder();
  private final FakeCommandRunner runner =
      new FakeCommandRunner().on(List.of("apt-get"), 0, "Hit:1 ...\n", "");

  @BeforeEach
  void start() throws IOException {
    Files.createDirectories(dir.resolve("repo/dists/stable"));
    Files.writeString(dir.resolve("repo/dists/stable/InRelease"), IN_RELEASE);
    server = RepositoryServer.start(dir.resolve("repo"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private AptIndexResource resource(boolean lastRunFailed) {
    return resource(lastRunFailed, Duration.ofDays(1));
  }

  private AptIndexResource resource(boolean lastRunFailed, Duration maxIndexAge) {
    AptRepository repo =
        new AptRepository(
            "warehouse",
            server.uri(),
            "stable",
            List.of("main"),
            Path.of("/k.gpg"),
            Duration.ofSeconds(5));
    AptGet apt =
        new AptGet(
            runner,
            new AptConfig(
                dir.resolve("agent.list"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60)));
    return new AptIndexResource(
        List.of(repo),
        new RepositoryProbe(clock),
        new ProbeCache(dir.resolve("state")),
        apt,
        lastRunFailed,
        recorder,
        new IndexFreshness(maxIndexAge),
        clock);
  }

  private long updates() {
    return runner.argvs().stream().filter(a -> a.contains("update")).count();
  }

  @Test
  void aStaleIndexIsRefreshedAfterMaxIndexAgeEvenWhenTheServerAnswers304() throws Exception {
    assertThat(resource(false).checkApply(true).detail())
        .isEqualTo("apt-get update (changed: warehouse)");
    assertThat(updates()).isEqualTo(1);

    clock.now = clock.now.plus(Duration.ofHours(23));
    assertThat(resource(false).checkApply(true).detail())
        .isEqualTo("not modified (no apt-get update)");
    assertThat(updates()).isEqualTo(1);
    Await.until(
        "the 304 to be logged",
        Duration.ofSeconds(5),
        () -> server.requests("/dists/stable/InRelease").size() == 2);
    assertThat(server.requests("/dists/stable/InRelease").get(1).status()).isEqualTo(304);

    clock.now = clock.now.plus(Duration.ofHours(1));
    assertThat(resource(false).checkApply(true).detail())
        .isEqualTo("apt-get update (index older than 1d (apt.max_index_age): warehouse)");
    assertThat(updates()).isEqualTo(2);

    // The refresh counts from the update that just succeeded.
    clock.now = clock.now.plus(Duration.ofHours(1));
    assertThat(resource(false).checkApply(true).detail())
        .isEqualTo("not modified (no apt-get update)");
    assertThat(updates()).isEqualTo(2);
    assertThat(recorder.polls)
        .containsExactly(
            "warehouse=modified",
            "warehouse=not_modified",
            "warehouse=not_modified",
            "warehouse=not_modified");
  }

  @Test
  void whyRunSaysTheAgedIndexWouldBeRefreshed() throws Exception {
    resource(false).checkApply(true);
    clock.now = clock.now.plus(Duration.ofDays(2));

    assertThat(resource(false).checkApply(false).detail())
        .isEqualTo("would run apt-get update (index older than 1d (apt.max_index_age): warehouse)");
    assertThat(updates()).isEqualTo(1);
  }

  @Test
  void anExpiredIndexFailsTheRunNamingTheRepositoryAndTheDate() {
    clock.now = VALID_UNTIL.plus(Duration.ofDays(1));

    for (boolean apply : new boolean[] {true, false}) {
      assertThatThrownBy(() -> resource(false).checkApply(apply))
          .isInstanceOf(ResourceException.class)
          .hasMessageStartingWith(
              "repository warehouse: its signed index expired at 2026-12-12T08:12:34Z (Valid-Until"
                  + " of "
                  + server.uri()
                  + "dists/stable/InRelease, dated 2026-12-05T08:12:34Z)");
    }
    assertThat(updates()).isZero();
    assertThat(recorder.dates).isEmpty();
  }

  @Test
  void anIndexThatExpiresWhileTheServerAnswers304FailsTheRun() throws Exception {
    Duration month = Duration.ofDays(30);
    resource(false, month).checkApply(true);
    clock.now = VALID_UNTIL.minusSeconds(60);
    assertThat(resource(false, month).checkApply(true).detail())
        .isEqualTo("not modified (no apt-get update)");

    clock.now = VALID_UNTIL;
    assertThatThrownBy(() -> resource(false, month).checkApply(true))
        .hasMessageStartingWith("repository warehouse: its signed index expired at " + VALID_UNTIL);
    // Fetched whole, not asked "changed since?": a 304 would say nothing of Valid-Until.
    Await.until(
        "the third probe to be logged",
        Duration.ofSeconds(5),
        () -> server.requests("/dists/stable/InRelease").size() == 3);
    assertThat(server.requests("/dists/stable/InRelease").get(2).isConditional()).isFalse();
    // A failed run forces a refresh next time; an expired index still fails before apt runs.
    assertThatThrownBy(() -> resource(true, month).checkApply(true))
        .hasMessageContaining("its signed index expired");
    assertThat(updates()).isEqualTo(1);
  }

  @Test
  void reportsTheDateOfTheIndexAptAccepted() throws Exception {
    resource(false).checkApply(true);
    resource(false).checkApply(true);

    assertThat(recorder.dates).containsExactly(DATE, DATE);
    assertThat(new ProbeCache(dir.resolve("state")).load("warehouse"))
        .map(s -> s.date())
        .isEqualTo(Optional.of(DATE));
  }

  @Test
  void noDateIsReportedWhenAptRefusesTheUpdate() {
    runner.on(List.of("apt-get"), 100, "", "E: Release file for x is expired");

    assertThatThrownBy(() -> resource(false).checkApply(true))
        .isInstanceOf(ResourceException.class);
    assertThat(recorder.dates).isEmpty();
  }
}
