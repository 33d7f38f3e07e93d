package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;

/** Reads dpkg's database and repairs an interrupted dpkg; never installs by itself. */
public final class Dpkg {
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
  private final CommandRunner runner;
  private final Path updatesDir;
  private final Duration repairTimeout;

  public Dpkg(CommandRunner runner, Path adminDir, Duration repairTimeout) {
    this.runner = runner;
    this.updatesDir = adminDir.resolve("updates");
    this.repairTimeout = repairTimeout;
  }

  /** The package as dpkg knows it, or empty when dpkg has never heard of it. */
  public Optional<InstalledPackage> installed(String name)
      throws AptException, InterruptedException {
    CommandResult r =
        run(
            List.of(
                "dpkg-query",
                "--show",
                "--showformat=${Version}\\t${db:Status-Abbrev}\\t${db:Status-Want}\\n",
                "--",
                name),
            QUERY_TIMEOUT);
    if (r.exitCode() == 1 && r.stdout().isBlank()) {
      return Optional.empty(); // "no packages found matching"
    }
    if (!r.succeeded()) {
      throw new AptException("dpkg-query failed: " + r.describeFailure());
    }
    String[] f = firstLine(r.stdout()).split("\t", -1);
    if (f.length < 3) {
      throw new AptException("unexpected dpkg-query output: " + r.stdout().strip());
    }
    InstalledPackage p =
        new InstalledPackage(name, f[0].strip(), f[1].strip(), "hold".equals(f[2].strip()));
    return p.status().startsWith("un") && p.version().isEmpty() ? Optional.empty() : Optional.of(p);
  }

  /**
   * True when a dpkg run was interrupted (its journal in updates/ is not empty); apt refuses to
   * work until {@code dpkg --configure -a} has run.
   */
  public boolean interrupted() throws AptException {
    if (!Files.isDirectory(updatesDir)) {
      return false;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(updatesDir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.matches("\\d+")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new AptException("cannot read " + updatesDir + ": " + e.getMessage(), e);
    }
  }

  /** The fields {@link #all} asks dpkg-query for, tab-separated (see {@link HostPackage#parse}). */
  static final String HOST_FORMAT =
      "${Package}\\t${Version}\\t${db:Status-Abbrev}\\t${source:Package}\\t${source:Version}\\n";

  /**
   * Every package dpkg knows with a version, by name: one dpkg-query for the whole database (read
   * only when a package set changes, never on a no-op).
   */
  public Map<String, HostPackage> all() throws AptException, InterruptedException {
    CommandResult r =
        run(List.of("dpkg-query", "--show", "--showformat=" + HOST_FORMAT), QUERY_TIMEOUT);
    if (!r.succeeded()) {
      throw new AptException("dpkg-query failed: " + r.describeFailure());
    }
    Map<String, HostPackage> out = new TreeMap<>();
    for (String line : r.stdout().split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      HostPackage p;
      try {
        p = HostPackage.parse(line);
      } catch (IllegalArgumentException e) {
        throw new AptException("unexpected dpkg-query output: " + e.getMessage(), e);
      }
      if (p != null) {
        out.put(p.name(), p);
      }
    }
    return out;
  }

  /**
   * What {@code dpkg --audit} reports: packages half-installed, unpacked but not configured,
   * waiting for triggers...; empty when dpkg's database is consistent.
   */
  public String audit() throws AptException, InterruptedException {
    CommandResult r = run(List.of("dpkg", "--audit"), QUERY_TIMEOUT);
    if (r.timedOut()) {
      throw new AptException("dpkg --audit: " + r.describeFailure());
    }
    return r.stdout().strip();
  }

  /** Finishes whatever an interrupted dpkg left half done: {@code dpkg --configure -a}. */
  public void repair() throws AptException, InterruptedException {
    List<String> argv = List.of("dpkg", "--force-confdef", "--force-confold", "--configure", "-a");
    CommandResult r = run(argv, repairTimeout);
    if (!r.succeeded()) {
      throw new AptException(
          "dpkg --configure -a could not repair the interrupted install: " + r.describeFailure());
    }
  }

  /** What a .deb file says it is, from its control file. */
  public record DebInfo(String name, String version, String architecture) {}

  /** Reads the package name, version and architecture of {@code deb} (dpkg-deb --show). */
  public DebInfo inspect(Path deb) throws AptException, InterruptedException {
    CommandResult r =
        run(
            List.of(
                "dpkg-deb",
                "--show",
                "--showformat=${Package}\\t${Version}\\t${Architecture}\\n",
                "--",
                deb.toString()),
            QUERY_TIMEOUT);
    if (!r.succeeded()) {
      throw new AptException("dpkg-deb cannot read " + deb + ": " + r.describeFailure());
    }
    String[] f = firstLine(r.stdout()).split("\t", -1);
    if (f.length < 3 || f[0].isBlank() || f[1].isBlank()) {
      throw new AptException("unexpected dpkg-deb output for " + deb + ": " + r.stdout().strip());
    }
    return new DebInfo(f[0].strip(), f[1].strip(), f[2].strip());
  }

  /**
   * Installs several local .debs in one {@code dpkg --install}, so that packages depending on each
   * other at exact versions are unpacked together and configured after; only for a rollback from
   * files {@link KeptPackages} validated.
   */
  public void installFiles(List<Path> debs) throws AptException, InterruptedException {
    List<String> argv =
        new ArrayList<>(List.of("dpkg", "--force-confdef", "--force-confold", "--install", "--"));
    for (Path deb : debs) {
      argv.add(deb.toString());
    }
    CommandResult r = run(argv, repairTimeout);
    if (!r.succeeded()) {
      String why = AptErrors.classify(r);
      throw new AptException("dpkg --install failed: " + (why != null ? why : r.describeFailure()));
    }
  }

  /** Removes packages (conffiles stay), in one {@code dpkg --remove}. */
  public void remove(List<String> names) throws AptException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("dpkg", "--remove", "--"));
    for (String n : names) {
      if (!n.matches("[a-z0-9][a-z0-9+.-]+")) {
        throw new AptException("refusing invalid package name: " + n);
      }
      argv.add(n);
    }
    CommandResult r = run(argv, repairTimeout);
    if (!r.succeeded()) {
      throw new AptException("dpkg --remove failed: " + r.describeFailure());
    }
  }

  private CommandResult run(List<String> argv, Duration timeout)
      throws AptException, InterruptedException {
    return AptConfig.run(runner, argv, timeout);
  }

  // The first line, as String.lines().findFirst() gives it.
  static String firstLine(String s) {
    int end = 0;
    while (end < s.length() && s.charAt(end) != '\n' && s.charAt(end) != '\r') {
      end++;
    }
    return s.substring(0, end);
  }
}
