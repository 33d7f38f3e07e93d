package org.warehouse.agent.apt;

import java.time.Instant;

/**
 * What the last successful refresh saw of a repository's InRelease: enough for a conditional GET
 * next time, and a digest for servers that ignore conditional requests.
 */
public record ProbeState(
    String uri, String etag, String lastModified, String sha256, Instant refreshedAt) {}
