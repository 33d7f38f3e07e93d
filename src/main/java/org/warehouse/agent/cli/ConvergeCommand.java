package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Converger;
import org.warehouse.agent.converge.LockBusyException;
import org.warehouse.agent.converge.LoggingListener;
import org.warehouse.agent.converge.Maintenance;
import org.warehouse.agent.converge.PlanException;
import org.warehouse.agent.converge.ReportJson;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.ResourceStatus;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.daemon.ControlClient;
import org.warehouse.agent.daemon.RunError;
import org.warehouse.agent.daemon.RunOutcome;
import org.warehouse.agent.launch.QuickConverge;
import org.warehouse.agent.launch.StderrLog;
import org.warehouse.agent.resource.AptIndexResource;
import org.warehouse.agent.resource.PackageResource;
import org.warehouse.agent.state.JsonTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent converge --now}: one converge, run by the daemon when one answers on the control
 * socket, else in this process; under the host's run lock either way, with the same output and exit
 * codes.
 */
@Command(
    name = "converge",
    mixinStandardHelpOptions = true,
    description = "Converge this host now: packages, config files, services.")
final class ConvergeCommand implements Callable<Integer> {
  // On the converge --now path: its rules are package org.warehouse.agent.launch's.

  /** An in-process run reports its repository polls to nobody (the daemon counts them). */
  private static final class IgnoredPolls implements AptIndexResource.PollObserver {
    @Override
    public void accept(String repository, String result) {}
  }

  private static final AptIndexResource.PollObserver IGNORED_POLLS = new IgnoredPolls();

  /** The daemon's notes on a request (it waited, it joined a run), logged as its own lines. */
  private static final class DaemonNotes implements Consumer<String> {
    private final StderrLog log;

    DaemonNotes(StderrLog log) {
      this.log = log;
    }

    @Override
    public void accept(String note) {
      log.log(Level.INFO, "agent daemon: " + note);
    }
  }

  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--now", description = "Run now (required: scheduled runs are the daemon's).")
  boolean now;

  @Option(names = "--why-run", description = "Only check and report what would change.")
  boolean whyRun;

  @Option(
      names = "--detailed-exitcodes",
      description = "Exit 0 unchanged, 2 changed, 4 failed, 6 changed and failed.")
  boolean detailed;

  @Option(
      names = "--force",
      description = "Converge even though converges are disabled ('agent disable').")
  boolean force;

  @Option(names = "--json", description = "Print the run report as JSON on stdout.")
  boolean json;

  @Option(names = "--verbose", description = "Also log unchanged resources.")
  boolean verbose;

  @Override
  public Integer call() throws IOException, InterruptedException, ConfigException {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The command with its options set, by picocli or by {@link QuickConverge}. */
  int run(PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException, ConfigException {
    if (!now) {
      err.println("agent converge: --now is required (scheduled runs belong to 'agent daemon')");
      return ExitCodes.USAGE;
    }
    Settings settings = config.load();
    // Checked here for both paths: the daemon runs every manual request it gets, so a forced one
    // needs nothing more; scheduled runs are the daemon's to skip. A why-run changes nothing.
    if (!whyRun && !force) {
      Optional<String> disabled = disabled(settings);
      if (disabled.isPresent()) {
        err.println(
            "agent: not converging: "
                + disabled.get()
                + "; 'agent enable' resumes, or --force runs once anyway");
        return ExitCodes.LOCK_BUSY;
      }
    }
    Optional<ControlClient> daemon;
    try {
      daemon = ControlClient.connect(settings.runDir());
    } catch (IOException e) {
      err.println("agent: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    if (daemon.isPresent()) {
      try (ControlClient client = daemon.get()) {
        return viaDaemon(client, out, err);
      }
    }
    // The run is this process's. Its lines go straight to stderr in the journal format, as a thin
    // client's do: nothing on this path starts java.util.logging (see StderrLog).
    Converger converger =
        Wiring.converger(
            settings, new LoggingListener(StderrLog.forThisProcess(verbose)), IGNORED_POLLS);
    RunReport report;
    try {
      report = converger.converge(Trigger.MANUAL, whyRun);
    } catch (LockBusyException e) {
      err.println("agent: " + e.getMessage());
      return ExitCodes.LOCK_BUSY;
    } catch (PlanException e) {
      err.println("agent: invalid input, nothing changed: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    print(report, out);
    return exitCode(report, detailed);
  }

  private static Optional<String> disabled(Settings settings) {
    try {
      Optional<Maintenance.Disabled> d = new Maintenance(settings.stateDir()).current();
      return d.isPresent() ? Optional.of("converges are " + d.get().describe()) : Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  // The daemon runs the converge (so there is one converger per host) and streams its events;
  // replayed into the same listener, they log the same lines as an in-process run would.
  private int viaDaemon(ControlClient client, PrintWriter out, PrintWriter err) throws IOException {
    RunOutcome outcome;
    try {
      // A thin client: the daemon's lines are written straight to stderr, in the same format.
      StderrLog log = StderrLog.forThisProcess(verbose);
      outcome = client.converge(whyRun, new LoggingListener(log), new DaemonNotes(log));
    } catch (IOException e) {
      err.println("agent: lost the daemon during the run: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    // Comparisons, not a switch: a switch on an enum adds a synthetic class to this path.
    if (outcome.error().isEmpty()) {
      print(outcome.report(), out);
      return exitCode(outcome.report(), detailed);
    }
    RunError error = outcome.error().get();
    if (error == RunError.LOCK_BUSY || error == RunError.STOPPING || error == RunError.BUSY) {
      err.println("agent: " + outcome.message());
      return ExitCodes.LOCK_BUSY;
    }
    if (error == RunError.INVALID_INPUT) {
      err.println("agent: invalid input, nothing changed: " + outcome.message());
      return ExitCodes.CONFIG;
    }
    err.println("agent: the daemon could not converge: " + outcome.message());
    return ExitCodes.FAILED;
  }

  private void print(RunReport report, PrintWriter out) throws IOException {
    if (json) {
      out.println(new String(JsonTree.write(ReportJson.toJson(report)), StandardCharsets.UTF_8));
      return;
    }
    for (ResourceReport r : report.resources()) {
      if (r.status() != ResourceStatus.UNCHANGED || heldByRollout(r)) {
        out.println(line(r, ""));
      }
    }
    for (ResourceReport r : report.notifications()) {
      out.println(line(r, "notify "));
    }
    out.println(
        (report.whyRun() ? "why-run: " : "")
            + "result: "
            + report.result().label()
            + " in "
            + report.durationMs()
            + " ms"
            + (report.error().isEmpty() ? "" : " (" + report.error() + ")"));
  }

  // Unchanged, but a newer version is there: the operator who asked must see why it waits.
  private static boolean heldByRollout(ResourceReport r) {
    return r.detail().contains(PackageResource.WAITING)
        || r.detail().contains(PackageResource.HALTED + "rollout halted");
  }

  private static String line(ResourceReport r, String prefix) {
    String change =
        r.error().isEmpty()
            ? (r.before().equals(r.after()) ? r.after() : r.before() + " -> " + r.after())
            : r.error();
    return String.format(
        "%s%-12s %s: %s%s",
        prefix,
        r.status().label(),
        r.id(),
        change,
        r.detail().isEmpty() ? "" : " (" + r.detail() + ")");
  }

  /**
   * Exit code: 0 when nothing failed, else 1; with --detailed-exitcodes Puppet's, 0 unchanged, 2
   * changed, 4 failed, 6 changed and failed.
   */
  static int exitCode(RunReport report, boolean detailed) {
    if (!detailed) {
      return report.failed() ? ExitCodes.FAILED : ExitCodes.OK;
    }
    return (report.changedAnything() ? 2 : 0) | (report.failed() ? 4 : 0);
  }
}
