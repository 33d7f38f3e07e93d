package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;

/**
 * The options that confine every apt call of the agent to its own source list, so a converge never
 * refreshes or installs from the host's other sources, and never weakens apt's signature checks.
 */
public record AptConfig(
    Path sourceList, Duration lockTimeout, Duration updateTimeout, Duration installTimeout) {

  /** Environment for apt and dpkg: never prompt, never page. */
  public static final Map<String, String> ENV =
      Map.of(
          "DEBIAN_FRONTEND", "noninteractive",
          "APT_LISTCHANGES_FRONTEND", "none",
          "NEEDRESTART_MODE", "l");

  /**
   * Runs an apt or dpkg command with {@link #ENV}; a program that cannot start is an AptException.
   */
  static CommandResult run(CommandRunner runner, List<String> argv, Duration timeout)
      throws AptException, InterruptedException {
    try {
      return runner.run(new Command(argv, ENV, timeout));
    } catch (IOException e) {
      throw new AptException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** {@code -o} options common to apt-get and apt-cache. */
  public List<String> confinement() {
    List<String> o = new ArrayList<>();
    o.add("-o");
    o.add("Dir::Etc::sourcelist=" + sourceList);
    o.add("-o");
    o.add("Dir::Etc::sourceparts=-");
    // Without this, an update confined to our list would delete the host's other index files.
    o.add("-o");
    o.add("APT::Get::List-Cleanup=0");
    // A cache built from our list alone must not replace the host's pkgcache.bin.
    o.add("-o");
    o.add("Dir::Cache::pkgcache=");
    o.add("-o");
    o.add("Dir::Cache::srcpkgcache=");
    o.add("-o");
    o.add("DPkg::Lock::Timeout=" + Math.max(0, lockTimeout.toSeconds()));
    return o;
  }
}
