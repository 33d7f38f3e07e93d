package org.warehouse.agent.rollout;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rollout_host rows of the fleet simulation's one rollout, by host index, with the counts the
 * admission snapshot reads kept as the SQL counts rows (live, expired, canaries, canaries done).
 */
final class HostRows {
  private final HostState[] state;
  private final boolean[] canary;
  private final long[] epoch;
  private final long[] leaseUntil;
  private final long[] healthySince;
  private final Set<Integer> live = new HashSet<>();
  private final TreeMap<Long, Integer> liveLeases = new TreeMap<>();
  private int canaries;
  private int canariesDone;

  HostRows(int hosts) {
    state = new HostState[hosts];
    canary = new boolean[hosts];
    epoch = new long[hosts];
    leaseUntil = new long[hosts];
    healthySince = new long[hosts];
  }

  /** Sets a row's state and canary flag (creating the row). */
  void put(int h, HostState st, boolean isCanary) {
    if (state[h] != null) {
      tally(h, -1);
    }
    state[h] = st;
    canary[h] = isCanary;
    tally(h, 1);
  }

  void lease(int h, long until) {
    tally(h, -1);
    leaseUntil[h] = until;
    tally(h, 1);
  }

  void epoch(int h, long e) {
    epoch[h] = e;
  }

  void healthySince(int h, long at) {
    healthySince[h] = at;
  }

  long healthySince(int h) {
    return healthySince[h];
  }

  long leaseUntil(int h) {
    return leaseUntil[h];
  }

  HostState state(int h) {
    return state[h];
  }

  boolean canary(int h) {
    return canary[h];
  }

  /** The HOLDS condition: this epoch, a slot-holding state, lease_until >= now. */
  boolean holds(int h, long slotEpoch, long now) {
    return state[h] != null
        && state[h].holdsSlot()
        && epoch[h] == slotEpoch
        && leaseUntil[h] >= now;
  }

  Optional<Snapshot.Mine> mine(int h, long now) {
    return state[h] == null
        ? Optional.empty()
        : Optional.of(new Snapshot.Mine(state[h], canary[h], leaseUntil[h] >= now));
  }

  /** Rows in installing or verifying. */
  int live() {
    return live.size();
  }

  /** Those rows, for the sweep. */
  Set<Integer> liveHosts() {
    return Set.copyOf(live);
  }

  /** Live rows whose lease ran out: lease_until < now. */
  int expired(long now) {
    int n = 0;
    for (Map.Entry<Long, Integer> e : liveLeases.headMap(now, false).entrySet()) {
      n += e.getValue();
    }
    return n;
  }

  /** Canary rows installing, verifying or done. */
  int canaries() {
    return canaries;
  }

  /** Canary rows done. */
  int canariesDone() {
    return canariesDone;
  }

  private void tally(int h, int sign) {
    HostState st = state[h];
    if (st.holdsSlot()) {
      if (sign > 0) {
        live.add(h);
      } else {
        live.remove(h);
      }
      liveLeases.merge(leaseUntil[h], sign, (a, b) -> a + b == 0 ? null : a + b);
    }
    if (canary[h] && (st.holdsSlot() || st == HostState.DONE)) {
      canaries += sign;
    }
    if (canary[h] && st == HostState.DONE) {
      canariesDone += sign;
    }
  }
}
