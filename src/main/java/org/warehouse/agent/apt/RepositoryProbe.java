package org.warehouse.agent.apt;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;

/**
 * Asks a repository whether its signed index changed, with a conditional GET of InRelease, the
 * whole exchange (connect, headers, body) bounded by the repository's poll_timeout. A plain {@link
 * HttpURLConnection} rather than java.net.http: no selector thread to keep a short CLI run alive at
 * exit. The content is not trusted here: apt verifies it when it refreshes.
 */
public final class RepositoryProbe {
  private final Clock clock;

  public RepositoryProbe(Clock clock) {
    this.clock = clock;
  }

  /** A conditional probe: see {@link #probe(AptRepository, Optional, boolean)}. */
  public ProbeResult probe(AptRepository repo, Optional<ProbeState> last)
      throws AptException, InterruptedException {
    return probe(repo, last, true);
  }

  /**
   * Probes {@code repo}; {@code last} is what the previous good refresh recorded, if any. With
   * {@code conditional} false the body is fetched whatever the server would say to a conditional
   * request, so its Date and Valid-Until are read again.
   */
  public ProbeResult probe(AptRepository repo, Optional<ProbeState> last, boolean conditional)
      throws AptException, InterruptedException {
    URI uri = repo.inReleaseUri();
    Optional<ProbeState> previous =
        last.isPresent() && last.get().uri().equals(uri.toString()) ? last : Optional.empty();
    long timeout = Math.max(1, Math.min(Integer.MAX_VALUE, repo.pollTimeout().toMillis()));
    ProbeAttempt attempt =
        new ProbeAttempt(
            uri,
            conditional ? previous : Optional.empty(),
            (int) timeout,
            System.nanoTime() + timeout * 1_000_000);
    attempt.start();
    try {
      attempt.join(timeout);
    } catch (InterruptedException e) {
      attempt.abandon();
      throw e;
    }
    if (attempt.isAlive()) {
      attempt.abandon();
      throw timedOut(repo, uri, null);
    }
    ProbeAttempt.Answer a;
    try {
      a = attempt.answer();
    } catch (SocketTimeoutException e) {
      throw timedOut(repo, uri, e);
    } catch (ConnectException | UnknownHostException e) {
      throw new AptException(
          "repository " + repo.name() + " unreachable: " + e.getMessage() + " (" + uri + ")", e);
    } catch (IOException e) {
      throw new AptException(
          "repository " + repo.name() + " probe failed: " + e + " (" + uri + ")", e);
    }
    if (a.status() == HttpURLConnection.HTTP_NOT_MODIFIED && previous.isPresent()) {
      return new ProbeResult(false, a.status(), previous.get());
    }
    if (a.status() != HttpURLConnection.HTTP_OK) {
      throw new AptException(
          "repository " + repo.name() + " answered HTTP " + a.status() + " for " + uri);
    }
    boolean same = previous.isPresent() && a.sha256().equals(previous.get().sha256());
    ProbeState seen =
        new ProbeState(
            uri.toString(),
            a.etag(),
            a.lastModified(),
            a.sha256(),
            same ? previous.get().refreshedAt() : clock.instant(),
            a.fields().date(),
            a.fields().validUntil());
    return new ProbeResult(!same, a.status(), seen);
  }

  private static AptException timedOut(AptRepository repo, URI uri, Exception cause) {
    return new AptException(
        "repository "
            + repo.name()
            + " did not answer within "
            + repo.pollTimeout().toSeconds()
            + "s (poll_timeout): "
            + uri,
        cause);
  }
}
