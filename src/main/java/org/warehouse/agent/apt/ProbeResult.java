package org.warehouse.agent.apt;

/**
 * The answer of one conditional GET of a repository's InRelease.
 *
 * @param modified false when the server said 304 or sent the same bytes as last time
 * @param state what to remember once the refresh it triggers has succeeded
 */
public record ProbeResult(boolean modified, int httpStatus, ProbeState state) {}
