package org.warehouse.agent.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;

/**
 * One systemd unit behind {@code systemctl}: start and restart give it a new main PID (or leave it
 * failed, when {@link #crashOnStart}); {@link #dieAfterShows} makes it die after that many more
 * {@code show} calls. Records every argv.
 */
public final class FakeSystemd implements CommandRunner {
  public final List<List<String>> argvs = new ArrayList<>();
  public String activeState = "active";
  public String subState = "running";
  public String unitFileState = "enabled";
  public String loadState = "loaded";
  public long pid = 100;
  public boolean crashOnStart;
  public int dieAfterShows = -1;

  /** systemd refuses to start the unit (it hit its start rate limit) until reset-failed. */
  public boolean startLimitHit;

  private long nextPid = 200;

  /** A unit manager over this fake, with no settle time. */
  public UnitManager manager() {
    return manager(Duration.ZERO);
  }

  /** A unit manager over this fake, with {@code settle} as its settle time. */
  public UnitManager manager(Duration settle) {
    return new UnitManager(
        new Systemctl(this, Duration.ofSeconds(5)),
        Duration.ofSeconds(2),
        settle,
        new HealthChecker());
  }

  @Override
  public CommandResult run(Command c) {
    List<String> a = c.argv();
    argvs.add(a);
    String verb = a.get(3);
    switch (verb) {
      case "show" -> {
        if (dieAfterShows == 0) {
          activeState = "failed";
          subState = "failed";
          pid = 0;
        }
        if (dieAfterShows >= 0) {
          dieAfterShows--;
        }
        return ok(
            c,
            "LoadState="
                + loadState
                + "\nActiveState="
                + activeState
                + "\nSubState="
                + subState
                + "\nUnitFileState="
                + unitFileState
                + "\nMainPID="
                + pid
                + "\n");
      }
      case "start", "restart" -> {
        if (startLimitHit) {
          activeState = "failed";
          subState = "failed";
          pid = 0;
          return new CommandResult(
              c,
              1,
              "",
              "Job for web.service failed because start of the service was attempted too often.\n",
              false,
              Duration.ZERO);
        }
        if (crashOnStart) {
          activeState = "failed";
          subState = "failed";
          pid = 0;
        } else {
          activeState = "active";
          subState = "running";
          pid = nextPid++;
        }
        return ok(c, "");
      }
      case "enable" -> {
        unitFileState = "enabled";
        return ok(c, "");
      }
      case "reset-failed" -> {
        startLimitHit = false;
        return ok(c, "");
      }
      default -> throw new AssertionError("unexpected systemctl call: " + a);
    }
  }

  private static CommandResult ok(Command c, String out) {
    return new CommandResult(c, 0, out, "", false, Duration.ZERO);
  }
}
