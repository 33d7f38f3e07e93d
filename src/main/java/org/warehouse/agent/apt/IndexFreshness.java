package org.warehouse.agent.apt;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long the agent trusts a repository's index without apt-get update (apt.max_index_age), and
 * whether the index itself says it has expired (Valid-Until): a signed InRelease that stops
 * changing, replayed or from a mirror that stopped syncing, must not look current forever. Checked
 * here rather than left to apt: apt skips the check where Acquire::Check-Valid-Until is off, and
 * silently keeps its old lists when offered an index dated before them (a replay), so a run would
 * go on as if nothing were wrong.
 */
public final class IndexFreshness {
  private final Duration maxAge;

  public IndexFreshness(Duration maxAge) {
    this.maxAge = maxAge;
  }

  /**
   * Whether the index is due a refresh (InRelease fetched whole, apt-get update run) whatever the
   * server says: never refreshed, refreshed maxAge ago or more (or "later" than now: the clock went
   * back), or past its own Valid-Until.
   */
  public boolean refreshDue(Optional<ProbeState> last, Instant now) {
    if (last.isEmpty() || last.get().refreshedAt() == null) {
      return true;
    }
    ProbeState s = last.get();
    if (now.isBefore(s.refreshedAt()) || !now.isBefore(s.refreshedAt().plus(maxAge))) {
      return true;
    }
    return s.validUntil() != null && !now.isBefore(s.validUntil());
  }

  /** Why {@code repository}'s index {@code s} must not be used at {@code now}, or null. */
  public static String expired(String repository, ProbeState s, Instant now) {
    if (s.validUntil() == null || now.isBefore(s.validUntil())) {
      return null;
    }
    return "repository "
        + repository
        + ": its signed index expired at "
        + s.validUntil()
        + " (Valid-Until of "
        + s.uri()
        + (s.date() != null ? ", dated " + s.date() : "")
        + "): the repository is no longer re-signed (a mirror that stopped syncing?) or an old"
        + " index is being replayed; nothing is installed from it until it is re-signed";
  }

  /** The limit as agent.yml spells durations ({@code 1d}, {@code 12h}, {@code 90s}). */
  public String describe() {
    long s = maxAge.toSeconds();
    StringBuilder b = new StringBuilder();
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (s >= sizes[i]) {
        b.append(s / sizes[i]).append(units[i]);
        s %= sizes[i];
      }
    }
    return b.length() == 0 ? maxAge.toMillis() + "ms" : b.toString();
  }
}
