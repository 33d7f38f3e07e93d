package org.warehouse.agent.apt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * The records of every version of {@code names} apt knows (repositories and dpkg's status), by
   * name; a name apt does not know maps to an empty list.
   */
  public Map<String, List<ArchiveRecord>> show(Collection<String> names)
      throws AptException, InterruptedException {
    Map<String, List<ArchiveRecord>> out = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    List<String> argv = new ArrayList<>(List.of("apt-cache"));
    argv.addAll(config.confinement());
    argv.addAll(List.of("show", "--"));
    for (String n : names) {
      checkName(n);
      argv.add(n);
      out.put(n, new ArrayList<>());
    }
    CommandResult r = run(argv, QUERY_TIMEOUT);
    // apt-cache show exits 100 when one of the names is unknown; the others are still printed.
    if (!r.succeeded() && (r.timedOut() || r.stdout().isBlank())) {
      String why = AptErrors.classify(r);
      if (why != null || r.timedOut() || !r.stderr().contains("No packages found")) {
        throw new AptException(
            "apt-cache show failed: " + (why != null ? why : r.describeFailure()));
      }
    }
    try {
      for (ArchiveRecord rec : ArchiveRecord.parseAll(r.stdout())) {
        List<ArchiveRecord> list = out.get(rec.name());
        if (list != null) {
          list.add(rec);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new AptException("unexpected apt-cache show output: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * What apt would do to install {@code set} (apt-get -s, nothing changes): every package it would
   * install, upgrade, downgrade or remove.
   *
   * @throws AptException with apt's own error when it cannot satisfy the set
   */
  public Transaction simulate(List<String> set) throws AptException, InterruptedException {
    List<String> argv = installArgv(set, true);
    CommandResult r = run(argv, QUERY_TIMEOUT);
    if (!r.succeeded()) {
      String why = AptErrors.classify(r);
      throw new AptException(
          "apt cannot install "
              + String.join(" ", set)
              + ": "
              + (why != null ? why : AptErrors.aptError(r)));
    }
    return Transaction.parseSimulation(r.stdout());
  }

  /**
   * Installs a whole package set in one apt transaction: {@code name=version} from the
   * repositories, absolute paths of local .deb files, {@code name-} to remove; downgrades allowed
   * (the set was chosen and simulated first); conffiles changed by the admin are kept.
   */
  public void installSet(List<String> set) throws AptException, InterruptedException {
    CommandResult r = run(installArgv(set, false), config.installTimeout());
    if (!r.succeeded()) {
      String why = AptErrors.classify(r);
      throw new AptException(
          "installing "
              + String.join(" ", set)
              + " failed: "
              + (why != null ? why : r.describeFailure()));
    }
  }

  /** The argv of {@link #simulate} and {@link #installSet}: the same, but for {@code -s}. */
  List<String> installArgv(List<String> set, boolean simulate) throws AptException {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "-y"));
    if (simulate) {
      argv.add("-s");
    }
    argv.addAll(config.confinement());
    argv.addAll(
        List.of(
            "-o",
            "Dpkg::Options::=--force-confdef",
            "-o",
            "Dpkg::Options::=--force-confold",
            "--allow-downgrades"));
    // The simulation must show every removal apt's solver wants, so that the agent can name and
    // refuse it; the real call may remove only what the set names.
    boolean removes = false;
    for (String item : set) {
      removes |= item.endsWith("-") && !item.startsWith("/");
    }
    if (!simulate && !removes) {
      argv.add("--no-remove");
    }
    argv.addAll(List.of("install", "--"));
    for (String item : set) {
      argv.add(checkItem(item));
    }
    return argv;
  }

  /** One argument of a set: {@code name=version}, {@code name-}, or a kept .deb's absolute path. */
  private static String checkItem(String item) throws AptException {
    if (item.startsWith("/")) {
      if (!item.endsWith(".deb") || item.contains("..") || item.matches(".*\\s.*")) {
        throw new AptException("refusing invalid package file: " + item);
      }
      return item;
    }
    if (item.endsWith("-")) {
      checkName(item.substring(0, item.length() - 1));
      return item;
    }
    int eq = item.indexOf('=');
    if (eq < 0) {
      throw new AptException("refusing a package without a version: " + item);
    }
    checkName(item.substring(0, eq));
    if (!DebianVersion.isValid(item.substring(eq + 1))) {
      throw new AptException("refusing invalid version: " + item);
    }
    return item;
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
