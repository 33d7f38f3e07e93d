package org.warehouse.agent.resource;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.IndexFreshness;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.ProbeResult;
import org.warehouse.agent.apt.ProbeState;
import org.warehouse.agent.apt.RepositoryProbe;

/**
 * The package indexes of the agent's repositories, refreshed only when a repository's signed index
 * changed (conditional GET), the last run failed, or the index is older than apt.max_index_age: a
 * quiet repository costs one request and no apt-get process. An index past its own Valid-Until
 * fails the run. Refreshing indexes is not a change to the host, so it reports UNCHANGED, with what
 * it did in the detail.
 */
public final class AptIndexResource implements Resource {
  /** Poll results by repository name: modified, not_modified or error. */
  public interface PollObserver extends BiConsumer<String, String> {
    /** The {@code Date} of the index apt last accepted from {@code repository}. */
    default void indexDate(String repository, Instant date) {}
  }

  private final List<AptRepository> repositories;
  private final RepositoryProbe probe;
  private final ProbeCache cache;
  private final AptGet apt;
  private final boolean force;
  private final PollObserver observer;
  private final IndexFreshness freshness;
  private final Clock clock;

  public AptIndexResource(
      List<AptRepository> repositories,
      RepositoryProbe probe,
      ProbeCache cache,
      AptGet apt,
      boolean force,
      PollObserver observer,
      IndexFreshness freshness,
      Clock clock) {
    this.repositories = List.copyOf(repositories);
    this.probe = probe;
    this.cache = cache;
    this.apt = apt;
    this.force = force;
    this.observer = observer;
    this.freshness = freshness;
    this.clock = clock;
  }

  private static List<String> names(List<AptRepository> repositories) {
    List<String> out = new ArrayList<>(repositories.size());
    for (AptRepository r : repositories) {
      out.add(r.name());
    }
    return out;
  }

  @Override
  public ResourceId id() {
    return new ResourceId(ResourceId.APT_UPDATE, String.join(",", names(repositories)));
  }

  @Override
  public Result checkApply(boolean apply) throws ResourceException, InterruptedException {
    Instant now = clock.instant();
    Map<String, ProbeResult> results = new LinkedHashMap<>();
    List<String> modified = new ArrayList<>();
    List<String> aged = new ArrayList<>();
    for (AptRepository r : repositories) {
      Optional<ProbeState> last = cache.load(r.name());
      // Due a refresh: fetch InRelease whole, so its Date and Valid-Until are read again.
      boolean due = freshness.refreshDue(last, now);
      ProbeResult p;
      try {
        p = probe.probe(r, last, !due);
      } catch (AptException e) {
        observer.accept(r.name(), "error");
        throw new ResourceException(e.getMessage(), e);
      }
      observer.accept(r.name(), p.modified() ? "modified" : "not_modified");
      String expired = IndexFreshness.expired(r.name(), p.state(), now);
      if (expired != null) {
        throw new ResourceException(expired);
      }
      results.put(r.name(), p);
      if (p.modified() || last.isEmpty()) {
        modified.add(r.name());
      } else if (due) {
        aged.add(r.name());
      }
    }
    if (modified.isEmpty() && aged.isEmpty() && !force) {
      report(results);
      return new Result(
          Outcome.UNCHANGED, "current", "current", "not modified (no apt-get update)");
    }
    String why = why(modified, aged);
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
    Instant refreshed = clock.instant();
    Map<String, ProbeResult> saved = new LinkedHashMap<>();
    for (Map.Entry<String, ProbeResult> e : results.entrySet()) {
      ProbeResult p = e.getValue();
      ProbeState state = p.state().refreshed(refreshed);
      try {
        cache.save(e.getKey(), state);
      } catch (IOException ex) {
        throw new ResourceException("cannot record repository probe: " + ex.getMessage(), ex);
      }
      saved.put(e.getKey(), new ProbeResult(p.modified(), p.httpStatus(), state));
    }
    report(saved);
    return new Result(Outcome.UNCHANGED, "stale", "current", "apt-get update (" + why + ")");
  }

  private String why(List<String> modified, List<String> aged) {
    List<String> parts = new ArrayList<>();
    if (!modified.isEmpty()) {
      parts.add("changed: " + String.join(", ", modified));
    }
    if (!aged.isEmpty()) {
      parts.add(
          "index older than "
              + freshness.describe()
              + " (apt.max_index_age): "
              + String.join(", ", aged));
    }
    return parts.isEmpty() ? "last run failed" : String.join("; ", parts);
  }

  /** The Date of each index apt now holds, for the index-date metric. */
  private void report(Map<String, ProbeResult> results) {
    for (Map.Entry<String, ProbeResult> e : results.entrySet()) {
      Instant date = e.getValue().state().date();
      if (date != null) {
        observer.indexDate(e.getKey(), date);
      }
    }
  }

  private void invalidate(String name) {
    try {
      cache.invalidate(name);
    } catch (IOException ignored) {
      // the update failed anyway; a stale cache entry only means one more update next run
    }
  }
}
