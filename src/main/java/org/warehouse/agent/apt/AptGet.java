package org.warehouse.agent.apt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.version.DebianVersion;

/**
 * apt-get and apt-cache confined to the agent's own source list. Package names and versions are
 * validated again here, at the last step before argv, whatever the caller checked.
 */
public final class AptGet {
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
  private final CommandRunner runner;
  private final AptConfig config;

  public AptGet(CommandRunner runner, AptConfig config) {
    this.runner = runner;
    this.config = config;
  }

  public AptConfig config() {
    return config;
  }

  /** Refreshes the indexes of the agent's repositories; apt verifies their signatures. */
  public void update() throws AptException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q"));
    argv.addAll(config.confinement());
    argv.add("update");
    CommandResult r = run(argv, config.updateTimeout());
    // apt-get update exits 0 on some fetch failures and only warns ("W: Failed to fetch"):
    // an index we could not refresh is a failure for us.
    String why = AptErrors.classify(r);
    if (!r.succeeded() || why != null) {
      throw new AptException("apt-get update failed: " + (why != null ? why : r.describeFailure()));
    }
  }

  /** The candidate and available versions of {@code name} in the agent's repositories. */
  public PackagePolicy policy(String name) throws AptException, InterruptedException {
    checkName(name);
    List<String> argv = new ArrayList<>(List.of("apt-cache"));
    argv.addAll(config.confinement());
    argv.addAll(List.of("policy", "--", name));
    CommandResult r = run(argv, QUERY_TIMEOUT);
    if (!r.succeeded()) {
      String why = AptErrors.classify(r);
      throw new AptException(
          "apt-cache policy failed: " + (why != null ? why : r.describeFailure()));
    }
    return PackagePolicy.parse(r.stdout());
  }

  /**
   * Installs exactly {@code name=version}, non-interactively, keeping changed conffiles, never
   * removing other packages; a downgrade only when {@code allowDowngrade}.
   */
  public void install(String name, String version, boolean allowDowngrade)
      throws AptException, InterruptedException {
    checkName(name);
    DebianVersion.parse(version); // throws on anything that is not a version
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "-y"));
    argv.addAll(config.confinement());
    argv.addAll(
        List.of(
            "-o",
            "Dpkg::Options::=--force-confdef",
            "-o",
            "Dpkg::Options::=--force-confold",
            "--no-remove"));
    if (allowDowngrade) {
      argv.add("--allow-downgrades");
    }
    argv.addAll(List.of("install", "--", name + "=" + version));
    CommandResult r = run(argv, config.installTimeout());
    if (!r.succeeded()) {
      String why = AptErrors.classify(r);
      throw new AptException(
          "installing "
              + name
              + "="
              + version
              + " failed: "
              + (why != null ? why : r.describeFailure()));
    }
  }

  /**
   * Downloads the .deb of exactly {@code name=version} from the agent's repositories into {@code
   * archives} (which must hold a {@code partial/} directory), installing nothing: a copy to roll
   * back to. {@code --reinstall} because the version is usually the one installed.
   */
  public void download(String name, String version, Path archives)
      throws AptException, InterruptedException {
    checkName(name);
    DebianVersion.parse(version);
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "-y"));
    argv.addAll(config.confinement());
    argv.addAll(
        List.of(
            "-o",
            "Dir::Cache::archives=" + archives + "/",
            "--download-only",
            "--reinstall",
            "--no-remove",
            "install",
            "--",
            name + "=" + version));
    CommandResult r = run(argv, config.installTimeout());
    if (!r.succeeded()) {
      String why = AptErrors.classify(r);
      throw new AptException(
          "downloading "
              + name
              + "="
              + version
              + " failed: "
              + (why != null ? why : r.describeFailure()));
    }
  }

  private static void checkName(String name) throws AptException {
    if (name == null || !name.matches("[a-z0-9][a-z0-9+.-]+")) {
      throw new AptException("refusing invalid package name: " + name);
    }
  }

  private CommandResult run(List<String> argv, Duration timeout)
      throws AptException, InterruptedException {
    return AptConfig.run(runner, argv, timeout);
  }
}
