package org.warehouse.agent.resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.ProbeResult;
import org.warehouse.agent.apt.ProbeState;
import org.warehouse.agent.apt.RepositoryProbe;

/**
 * The package indexes of the agent's repositories, refreshed only when a repository's signed index
 * changed (conditional GET) or the last run failed: a quiet repository costs one request and no
 * apt-get process. Refreshing indexes is not a change to the host, so it reports UNCHANGED, with
 * what it did in the detail.
 */
public final class AptIndexResource implements Resource {
  /** Poll results by repository name: modified, not_modified or error. */
  public interface PollObserver extends BiConsumer<String, String> {}

  private final List<AptRepository> repositories;
  private final RepositoryProbe probe;
  private final ProbeCache cache;
  private final AptGet apt;
  private final boolean force;
  private final PollObserver observer;

  public AptIndexResource(
      List<AptRepository> repositories,
      RepositoryProbe probe,
      ProbeCache cache,
      AptGet apt,
      boolean force,
      PollObserver observer) {
    this.repositories = List.copyOf(repositories);
    this.probe = probe;
    this.cache = cache;
    this.apt = apt;
    this.force = force;
    this.observer = observer;
  }

  private static List<String> names(List<AptRepository> repositories) {
    List<String> out = new ArrayList<>(repositories.size());
    for (AptRepository r : repositories) {
      out.add(r.name());
    }
    return out;
  }

  @Override
  public String id() {
    return "apt-update:" + String.join(",", names(repositories));
  }

  @Override
  public Result checkApply(boolean apply) throws ResourceException, InterruptedException {
    Map<String, ProbeResult> results = new LinkedHashMap<>();
    List<String> modified = new ArrayList<>();
    for (AptRepository r : repositories) {
      Optional<ProbeState> last = cache.load(r.name());
      ProbeResult p;
      try {
        p = probe.probe(r, last);
      } catch (AptException e) {
        observer.accept(r.name(), "error");
        throw new ResourceException(e.getMessage(), e);
      }
      observer.accept(r.name(), p.modified() ? "modified" : "not_modified");
      results.put(r.name(), p);
      if (p.modified() || last.isEmpty()) {
        modified.add(r.name());
      }
    }
    if (modified.isEmpty() && !force) {
      return new Result(
          Outcome.UNCHANGED, "current", "current", "not modified (no apt-get update)");
    }
    String why = modified.isEmpty() ? "last run failed" : "changed: " + String.join(", ", modified);
    if (!apply) {
      return new Result(
          Outcome.UNCHANGED, "stale", "stale", "would run apt-get update (" + why + ")");
    }
    try {
      apt.update();
    } catch (AptException e) {
      for (AptRepository r : repositories) {
        invalidate(r.name());
      }
      throw new ResourceException(e.getMessage(), e);
    }
    for (Map.Entry<String, ProbeResult> e : results.entrySet()) {
      try {
        cache.save(e.getKey(), e.getValue().state());
      } catch (IOException ex) {
        throw new ResourceException("cannot record repository probe: " + ex.getMessage(), ex);
      }
    }
    return new Result(Outcome.UNCHANGED, "stale", "current", "apt-get update (" + why + ")");
  }

  private void invalidate(String name) {
    try {
      cache.invalidate(name);
    } catch (IOException ignored) {
      // the update failed anyway; a stale cache entry only means one more update next run
    }
  }
}
