package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Maintenance;
import org.warehouse.agent.converge.ReportJson;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunHistory;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.daemon.ControlClient;
import org.warehouse.agent.daemon.DaemonStatus;
import org.warehouse.agent.daemon.StatusJson;
import org.warehouse.agent.state.JsonTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent status}: the last run and what it left, from the state directory. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the last run, its resources and result.")
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() throws IOException, ConfigException {
    PrintWriter out = spec.commandLine().getOut();
    Settings settings = config.load();
    RunHistory history = new RunHistory(settings.stateDir(), settings.historyLimit());
    // A damaged last-run.json was a warning on stderr (RunHistory); shown here as unknown.
    Optional<RunReport> last = history.last();
    boolean lastDamaged = last.isEmpty() && Files.exists(history.lastRunFile());
    Optional<DaemonStatus> daemon = daemonStatus(settings);
    List<Quarantine.Entry> quarantined = List.of();
    String quarantineDamage = null;
    try {
      quarantined = new Quarantine(settings.stateDir(), Clock.systemUTC()).list();
    } catch (IOException e) {
      quarantineDamage = e.getMessage();
      spec.commandLine().getErr().println("agent: warning: " + quarantineDamage);
    }
    Optional<Maintenance.Disabled> disabled = disabled(settings);
    if (json) {
      List<String> damaged = new ArrayList<>();
      if (lastDamaged) {
        damaged.add(history.lastRunFile().toString());
      }
      if (quarantineDamage != null) {
        damaged.add(quarantineDamage);
      }
      Map<String, Object> doc = jsonDocument(last, daemon, quarantined, disabled, damaged);
      out.println(new String(JsonTree.write(doc), StandardCharsets.UTF_8));
      return ExitCodes.OK;
    }
    if (quarantineDamage != null) {
      out.println("quarantine:  DAMAGED, installs wait: " + quarantineDamage);
    }
    String nextRun =
        daemon
            .map(
                d ->
                    (d.nextRun() == null ? "none scheduled" : d.nextRun().toString())
                        + " (daemon pid "
                        + d.pid()
                        + (d.runningSince() == null ? "" : ", converging since " + d.runningSince())
                        + ")")
            .orElse("unknown (no daemon)");
    if (last.isEmpty()) {
      out.println(
          lastDamaged
              ? "last run:    unknown: "
                  + history.lastRunFile()
                  + " is damaged (the next run rewrites it)"
              : "no converge has run yet (state dir " + settings.stateDir() + ")");
      out.printf("next run:    %s%n", nextRun);
      printDisabled(out, disabled);
      printQuarantine(out, quarantined);
      return ExitCodes.OK;
    }
    RunReport r = last.get();
    out.printf(
        "last run:    %s (%s, %d ms, %s)%n",
        r.end(), r.result().label(), r.durationMs(), r.trigger().label());
    if (!r.error().isEmpty()) {
      out.printf("error:       %s%n", r.error());
    }
    out.printf("next run:    %s%n", nextRun);
    printDisabled(out, disabled);
    printQuarantine(out, quarantined);
    out.printf("%-12s %-40s %s%n", "STATUS", "RESOURCE", "STATE");
    for (ResourceReport res : r.resources()) {
      // Unchanged resources can still carry news: held, quarantined, not modified.
      String state = res.error().isEmpty() ? res.after() : res.error();
      String note =
          res.detail().isEmpty() || !res.error().isEmpty() ? "" : " (" + res.detail() + ")";
      out.printf("%-12s %-40s %s%s%n", res.status().label(), res.id(), state, note);
    }
    for (ResourceReport res : r.notifications()) {
      out.printf("%-12s %-40s %s%n", res.status().label(), "notify " + res.id(), res.after());
    }
    return ExitCodes.OK;
  }

  /** The {@code --json} document; damaged_state only when something is damaged. */
  static Map<String, Object> jsonDocument(
      Optional<RunReport> last,
      Optional<DaemonStatus> daemon,
      List<Quarantine.Entry> quarantined,
      Optional<Maintenance.Disabled> disabled,
      List<String> damaged) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("last_run", last.map(ReportJson::toJson).orElse(null));
    // Known only to a running daemon.
    doc.put("next_run", daemon.map(DaemonStatus::nextRun).orElse(null));
    doc.put("daemon", daemon.map(StatusJson::toJson).orElse(null));
    doc.put("quarantined", quarantineJson(quarantined));
    doc.put("disabled", disabled.map(StatusCommand::disabledJson).orElse(null));
    if (!damaged.isEmpty()) {
      doc.put("damaged_state", damaged);
    }
    return doc;
  }

  private static List<Map<String, Object>> quarantineJson(List<Quarantine.Entry> entries) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Quarantine.Entry e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("packageName", e.packageName());
      m.put("version", e.version());
      m.put("reason", e.reason());
      m.put("time", e.time());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> disabledJson(Maintenance.Disabled d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reason", d.reason());
    m.put("by", d.by());
    m.put("since", d.since());
    return m;
  }

  // An unreadable record still means someone disabled converges: shown as such, with the error.
  private static Optional<Maintenance.Disabled> disabled(Settings settings) {
    try {
      return new Maintenance(settings.stateDir()).current();
    } catch (IOException e) {
      return Optional.of(new Maintenance.Disabled(e.getMessage(), "unknown", Instant.EPOCH));
    }
  }

  private static void printDisabled(PrintWriter out, Optional<Maintenance.Disabled> disabled) {
    disabled.ifPresent(
        d ->
            out.printf(
                "DISABLED:    %s (scheduled runs skipped; 'agent enable' resumes)%n",
                d.describe()));
  }

  private static void printQuarantine(PrintWriter out, List<Quarantine.Entry> entries) {
    for (Quarantine.Entry e : entries) {
      out.printf(
          "quarantined: %s %s since %s: %s (retry: agent quarantine clear %s %s)%n",
          e.packageName(), e.version(), e.time(), e.reason(), e.packageName(), e.version());
    }
  }

  // A daemon that does not answer properly is reported, not fatal: status still shows the rest.
  private Optional<DaemonStatus> daemonStatus(Settings settings) {
    try {
      Optional<ControlClient> client = ControlClient.connect(settings.runDir());
      if (client.isEmpty()) {
        return Optional.empty();
      }
      try (ControlClient c = client.get()) {
        return Optional.of(c.status());
      }
    } catch (IOException e) {
      spec.commandLine().getErr().println("agent: cannot ask the daemon: " + e.getMessage());
      return Optional.empty();
    }
  }
}
