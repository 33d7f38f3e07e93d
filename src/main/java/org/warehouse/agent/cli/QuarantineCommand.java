package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.LockBusyException;
import org.warehouse.agent.converge.RunLock;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.version.DebianVersion;
import org.warehouse.agent.version.InvalidVersionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agent quarantine list|clear}: the package versions rolled back and not installed again.
 */
@Command(
    name = "quarantine",
    mixinStandardHelpOptions = true,
    description =
        "Package versions that failed their service checks, were rolled back and are skipped by"
            + " later runs.",
    subcommands = {QuarantineCommand.ListCommand.class, QuarantineCommand.ClearCommand.class})
final class QuarantineCommand implements Runnable {
  // Also before list or clear, as before any subcommand.
  @Mixin ConfigOption config;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: list or clear");
  }

  /** {@code agent quarantine list [--json]}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      exitCodeOnInvalidInput = ExitCodes.USAGE,
      description = "Show the quarantined versions and why.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() throws IOException, ConfigException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Settings settings = config.load();
      Quarantine q = new Quarantine(settings.stateDir(), Clock.systemUTC());
      List<Quarantine.Entry> entries;
      try {
        entries = q.list();
      } catch (IOException e) {
        err.println("agent: " + e.getMessage());
        return ExitCodes.FAILED;
      }
      if (json) {
        List<Map<String, Object>> list =
            entries.stream()
                .map(
                    e -> {
                      Map<String, Object> m = new LinkedHashMap<>();
                      m.put("package", e.packageName());
                      m.put("version", e.version());
                      m.put("reason", e.reason());
                      m.put("time", e.time().toString());
                      return m;
                    })
                .toList();
        out.println(
            new String(JsonTree.write(Map.of("quarantined", list)), StandardCharsets.UTF_8));
        return ExitCodes.OK;
      }
      if (entries.isEmpty()) {
        out.println("no quarantined versions (" + q.file() + ")");
        return ExitCodes.OK;
      }
      out.printf("%-20s %-16s %-24s %s%n", "PACKAGE", "VERSION", "SINCE", "REASON");
      for (Quarantine.Entry e : entries) {
        out.printf("%-20s %-16s %-24s %s%n", e.packageName(), e.version(), e.time(), e.reason());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code agent quarantine clear PACKAGE VERSION}. */
  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      exitCodeOnInvalidInput = ExitCodes.USAGE,
      description =
          "Lift the quarantine of PACKAGE VERSION, so that the next converge may install it"
              + " again.")
  static final class ClearCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PACKAGE")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Override
    public Integer call() throws IOException, InterruptedException, ConfigException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        DebianVersion.parse(version);
      } catch (InvalidVersionException e) {
        err.println("agent quarantine clear: invalid version '" + version + "': " + e.getMessage());
        return ExitCodes.USAGE;
      }
      Settings settings = config.load();
      Quarantine q = new Quarantine(settings.stateDir(), Clock.systemUTC());
      // Under the run lock: a converge in progress may be adding to the same file.
      try (RunLock lock = RunLock.acquire(RunLock.file(settings), settings.lockTimeout())) {
        if (q.clear(name, version)) {
          out.println(
              "cleared "
                  + name
                  + " "
                  + version
                  + ": the next converge installs it again if it is the candidate");
          return ExitCodes.OK;
        }
        List<String> others =
            q.list().stream()
                .filter(e -> e.packageName().equals(name))
                .map(Quarantine.Entry::version)
                .toList();
        err.println(
            "agent: "
                + name
                + " "
                + version
                + " is not quarantined"
                + (others.isEmpty()
                    ? ""
                    : " (quarantined versions of "
                        + name
                        + ": "
                        + String.join(", ", others)
                        + ")"));
        return ExitCodes.FAILED;
      } catch (LockBusyException e) {
        err.println("agent: " + e.getMessage());
        return ExitCodes.LOCK_BUSY;
      } catch (IOException e) {
        err.println("agent: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }
}
