package org.warehouse.agent.daemon;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.warehouse.agent.state.JsonTree;

/**
 * What the running daemon says about itself over the control socket ({@code agent status}).
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
    String metrics) {

  /** This status as a JSON object ({@link JsonTree}), fields in declaration order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("pid", pid);
    m.put("startedAt", startedAt);
    m.put("config", config);
    m.put("configLoadedAt", configLoadedAt);
    m.put("nextRun", nextRun);
    m.put("runningSince", runningSince);
    m.put("metrics", metrics);
    return m;
  }

  static DaemonStatus fromJson(Map<String, Object> m) throws IOException {
    return new DaemonStatus(
        JsonTree.string(m, "version"),
        JsonTree.number(m, "pid"),
        JsonTree.instant(m, "startedAt"),
        JsonTree.string(m, "config"),
        JsonTree.instant(m, "configLoadedAt"),
        JsonTree.instant(m, "nextRun"),
        JsonTree.instant(m, "runningSince"),
        JsonTree.string(m, "metrics"));
  }
}
