package org.warehouse.agent.daemon;

import java.time.Instant;

/**
 * What the running daemon says about itself over the control socket ({@code agent status}); its
 * JSON form is {@link StatusJson}'s.
 *
 * @param nextRun the next scheduled converge; null when none is scheduled
 * @param runningSince the start of the converge in progress; null when idle
 */
public record DaemonStatus(
    String version,
    long pid,
    Instant startedAt,
    String config,
    Instant configLoadedAt,
    Instant nextRun,
    Instant runningSince,
    String metrics) {}
