package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When an index is due a refresh, and when it has expired. */
class IndexFreshnessTest {
  private static final Instant REFRESHED = Instant.parse("2026-12-06T10:00:00Z");
  private static final String URI = "http://apt.internal/warehouse/dists/stable/InRelease";
  private final IndexFreshness day = new IndexFreshness(Duration.ofDays(1));

  private static ProbeState state(Instant refreshedAt, Instant date, Instant validUntil) {
    return new ProbeState(URI, "\"e\"", null, "ab", refreshedAt, date, validUntil);
  }

  @Test
  void neverRefreshedIsDue() {
    assertThat(day.refreshDue(Optional.empty(), REFRESHED)).isTrue();
    assertThat(day.refreshDue(Optional.of(state(null, null, null)), REFRESHED)).isTrue();
  }

  @Test
  void dueOnceMaxIndexAgeHasPassedSinceTheLastRefresh() {
    Optional<ProbeState> last = Optional.of(state(REFRESHED, null, null));

    assertThat(day.refreshDue(last, REFRESHED)).isFalse();
    assertThat(day.refreshDue(last, REFRESHED.plus(Duration.ofHours(23)))).isFalse();
    assertThat(day.refreshDue(last, REFRESHED.plus(Duration.ofDays(1)).minusMillis(1))).isFalse();
    assertThat(day.refreshDue(last, REFRESHED.plus(Duration.ofDays(1)))).isTrue();
    assertThat(day.refreshDue(last, REFRESHED.plus(Duration.ofDays(30)))).isTrue();
    assertThat(new IndexFreshness(Duration.ofSeconds(5)).refreshDue(last, REFRESHED.plusSeconds(5)))
        .isTrue();
  }

  @Test
  void aRefreshLaterThanNowIsDue() {
    // The clock went back: the age cannot be known, so refresh rather than trust it for a day more.
    Optional<ProbeState> last = Optional.of(state(REFRESHED, null, null));

    assertThat(day.refreshDue(last, REFRESHED.minusSeconds(1))).isTrue();
  }

  @Test
  void dueOncePastValidUntilWhateverTheAge() {
    Instant validUntil = REFRESHED.plus(Duration.ofHours(1));
    Optional<ProbeState> last = Optional.of(state(REFRESHED, REFRESHED, validUntil));

    assertThat(day.refreshDue(last, validUntil.minusSeconds(1))).isFalse();
    assertThat(day.refreshDue(last, validUntil)).isTrue();
  }

  @Test
  void expiredNamesTheRepositoryAndTheDates() {
    ProbeState s =
        state(
            REFRESHED,
            Instant.parse("2026-11-28T08:00:00Z"),
            Instant.parse("2026-12-05T08:00:00Z"));

    assertThat(IndexFreshness.expired("warehouse", s, Instant.parse("2026-12-05T07:59:59Z")))
        .isNull();
    assertThat(IndexFreshness.expired("warehouse", s, Instant.parse("2026-12-07T00:00:00Z")))
        .isEqualTo(
            "repository warehouse: its signed index expired at 2026-12-05T08:00:00Z (Valid-Until of"
                + " "
                + URI
                + ", dated 2026-11-28T08:00:00Z): the repository is no longer re-signed (a mirror"
                + " that stopped syncing?) or an old index is being replayed; nothing is installed"
                + " from it until it is re-signed");
  }

  @Test
  void withoutValidUntilNothingExpires() {
    ProbeState s = state(REFRESHED, Instant.parse("2020-01-01T00:00:00Z"), null);

    assertThat(IndexFreshness.expired("warehouse", s, REFRESHED)).isNull();
  }

  @Test
  void describesTheLimitAsAgentYmlDoes() {
    assertThat(day.describe()).isEqualTo("1d");
    assertThat(new IndexFreshness(Duration.ofHours(36)).describe()).isEqualTo("1d12h");
    assertThat(new IndexFreshness(Duration.ofSeconds(90)).describe()).isEqualTo("1m30s");
  }
}
