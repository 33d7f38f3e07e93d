package org.warehouse.agent.daemon;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.ProbeResult;
import org.warehouse.agent.apt.ProbeState;
import org.warehouse.agent.apt.RepositoryProbe;

/**
 * Whether a repository published a new InRelease since the daemon last looked: the converge's own
 * conditional GET ({@link RepositoryProbe}), asked against the InRelease this check saw last, else
 * against what the last refresh recorded ({@link ProbeCache}). A new InRelease counts once: the
 * next probe asks against it, so a converge that fails (or is skipped) is not started again by
 * every probe. Used by one thread (the release watch).
 */
final class ReleaseCheck {
  /** What one probe found; the label is the metric's. */
  enum Result {
    UNCHANGED,
    CHANGED,
    FAILED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Logger LOG = Logger.getLogger("daemon");

  private final RepositoryProbe probe;
  private final Map<String, ProbeState> seen = new HashMap<>();
  private final Set<String> failing = new HashSet<>();

  ReleaseCheck(RepositoryProbe probe) {
    this.probe = probe;
  }

  /**
   * Probes {@code repo} once, within its poll_timeout; a failure is logged when it starts.
   *
   * @param cache what the converges' refreshes recorded (state_dir of the settings in use)
   */
  Result check(AptRepository repo, ProbeCache cache) throws InterruptedException {
    ProbeState last = seen.get(repo.name());
    // The cache is read when there is nothing in memory or the repository changed, not on every
    // probe: a damaged cache file would otherwise be warned about once a probe_interval.
    Optional<ProbeState> base = last != null ? Optional.of(last) : cache.load(repo.name());
    ProbeResult p;
    try {
      p = probe.probe(repo, base);
    } catch (AptException e) {
      if (failing.add(repo.name())) {
        LOG.warning(
            "release probe failed: "
                + e.getMessage()
                + "; no converge until it answers (logged again only when it does)");
      }
      return Result.FAILED;
    }
    if (failing.remove(repo.name())) {
      LOG.info("release probe: repository " + repo.name() + " answers again");
    }
    seen.put(repo.name(), p.state());
    if (!p.modified()) {
      return Result.UNCHANGED;
    }
    // A converge that ran since (scheduled or manual) may have taken this index already.
    Optional<ProbeState> refreshed = last != null ? cache.load(repo.name()) : base;
    return refreshed.isPresent() && sameIndex(refreshed.get(), p.state())
        ? Result.UNCHANGED
        : Result.CHANGED;
  }

  private static boolean sameIndex(ProbeState a, ProbeState b) {
    return a.uri().equals(b.uri()) && a.sha256() != null && a.sha256().equals(b.sha256());
  }
}
