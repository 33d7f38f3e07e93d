package org.warehouse.agent.apt;

import java.time.Instant;

/**
 * What the last successful refresh saw of a repository's InRelease: enough for a conditional GET
 * next time, a digest for servers that ignore conditional requests, and the index's own {@code
 * Date} and {@code Valid-Until} (null when the file did not say, or the cache predates them).
 */
public record ProbeState(
    String uri,
    String etag,
    String lastModified,
    String sha256,
    Instant refreshedAt,
    Instant date,
    Instant validUntil) {

  /** The same index, refreshed (apt-get update succeeded) at {@code when}. */
  public ProbeState refreshed(Instant when) {
    return new ProbeState(uri, etag, lastModified, sha256, when, date, validUntil);
  }
}
