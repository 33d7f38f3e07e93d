package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * systemd/warehouse-agent.service installed in a sandbox as shipped, plus a drop-in that points
 * ExecStart at the freshly built launcher (the sandbox has no /usr/bin/agent).
 */
public final class DaemonUnit {
  public static final String UNIT = "warehouse-agent.service";

  private DaemonUnit() {}

  /** Writes the unit and the drop-in inside and reloads systemd. */
  public static void install(Sandbox s) {
    install(s, Fixtures.agentLauncher());
  }

  /** As {@link #install(Sandbox)}, the daemon started by {@code launcher}. */
  public static void install(Sandbox s, Path launcher) {
    try {
      s.writeFile(
          "/etc/systemd/system/" + UNIT,
          Files.readString(Fixtures.projectDir().resolve("systemd/" + UNIT)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.writeFile(
        "/etc/systemd/system/" + UNIT + ".d/test.conf",
        "[Service]\nExecStart=\nExecStart=" + launcher.toAbsolutePath() + " daemon\n");
    s.checkOutput("systemctl", "daemon-reload");
  }

  /** The daemon's main PID inside the sandbox's PID namespace, 0 when it is not running. */
  public static long mainPid(Sandbox s) {
    return Long.parseLong(
        s.checkOutput("systemctl", "show", "--property=MainPID", "--value", UNIT).strip());
  }
}
