package org.warehouse.agent.daemon;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.warehouse.agent.state.JsonTree;

/**
 * The one JSON form ({@link JsonTree}) of the daemon's status, for the control socket and {@code
 * status --json}: fields in declaration order, a missing value null.
 */
public final class StatusJson {
  private StatusJson() {}

  /** {@code s} as a JSON object. */
  public static Map<String, Object> toJson(DaemonStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", s.version());
    m.put("pid", s.pid());
    m.put("startedAt", s.startedAt());
    m.put("config", s.config());
    m.put("configLoadedAt", s.configLoadedAt());
    m.put("nextRun", s.nextRun());
    m.put("runningSince", s.runningSince());
    m.put("metrics", s.metrics());
    return m;
  }

  /** The status {@link #toJson(DaemonStatus)} wrote. */
  public static DaemonStatus daemonStatus(Map<String, Object> m) throws IOException {
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
