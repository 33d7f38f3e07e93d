package org.warehouse.agent.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.launch.QuickConverge;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Entry point of the {@code agent} command. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentVersion.class,
    description = "Keeps a Warehouse application server converged: package, config.yml, services.",
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    exitCodeOnExecutionException = ExitCodes.FAILED)
public final class Main implements Runnable {
  /**
   * The subcommands by name. A holder of its own: {@code agent converge --now}, read by {@link
   * QuickConverge}, never needs it.
   */
  private static final class Commands {
    // Picocli reflects over every subcommand it is given: a command line naming one gets only
    // that one; help, usage errors and the rest get all.
    static final Map<String, Supplier<Object>> ALL = new LinkedHashMap<>();

    static {
      ALL.put("daemon", DaemonCommand::new);
      ALL.put("converge", ConvergeCommand::new);
      ALL.put("status", StatusCommand::new);
      ALL.put("check-config", CheckConfigCommand::new);
      ALL.put("attributes", AttributesCommand::new);
      ALL.put("compare-versions", CompareVersionsCommand::new);
      ALL.put("quarantine", QuarantineCommand::new);
      ALL.put("disable", DisableCommand::new);
      ALL.put("enable", EnableCommand::new);
      ALL.put("rollout", RolloutCommand::new);
      ALL.put("help", CommandLine.HelpCommand::new);
    }
  }

  // Global: given before the subcommand, it is the subcommand's unless that has one of its own.
  @Mixin ConfigOption config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code;
    try {
      code = run(args, out, err);
    } finally {
      // Auto-flush acts on println only: what a command print()s last (a rendered file, a diff)
      // stays in the writer's buffer, and System.exit does not flush it.
      out.flush();
      err.flush();
    }
    System.exit(code);
  }

  /** Runs the CLI with the given output streams and returns the exit code; for tests too. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    // The command run by hand most often answers without picocli; everything else, help and
    // usage errors included, goes through it. It sets up logging itself (StderrLog).
    Optional<QuickConverge> quick = QuickConverge.parse(args);
    if (quick.isPresent()) {
      try {
        return converge(quick.get()).run(out, err);
      } catch (Exception e) {
        return onException(e, err);
      }
    }
    Logging.configure(verbose);
    CommandLine cl = commandLine(subcommandNamed(args));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> onException(ex, commandLine.getErr()));
    return cl.execute(args);
  }

  /** The whole command model, every subcommand in it: for help, the man page, completion. */
  public static CommandLine commandLine() {
    return commandLine(Optional.empty());
  }

  // Only the named subcommand when there is one, else all of them.
  private static CommandLine commandLine(Optional<String> named) {
    CommandLine cl = new CommandLine(new Main());
    Supplier<Object> only = named.isPresent() ? Commands.ALL.get(named.get()) : null;
    if (only != null) {
      cl.addSubcommand(named.get(), only.get());
    } else {
      Commands.ALL.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    // Every subcommand, not only the top one, reports bad usage as 64 (EX_USAGE).
    cl.getSubcommands()
        .values()
        .forEach(c -> c.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
    return cl;
  }

  // The first argument that is not a global option or its value, when it names a subcommand
  // other than help (which describes the others).
  private static Optional<String> subcommandNamed(String[] args) {
    int i = 0;
    while (i < args.length && (args[i].equals("--config") || args[i].startsWith("--config="))) {
      i += args[i].equals("--config") ? 2 : 1;
    }
    if (i >= args.length || "help".equals(args[i])) {
      return Optional.empty();
    }
    return Optional.of(args[i]);
  }

  private static ConvergeCommand converge(QuickConverge q) {
    ConvergeCommand c = new ConvergeCommand();
    c.config = new ConfigOption();
    c.config.config = q.config();
    c.now = q.now();
    c.whyRun = q.whyRun();
    c.detailed = q.detailed();
    c.force = q.force();
    c.json = q.json();
    c.verbose = q.verbose();
    return c;
  }

  // Every command reads agent.yml first; an invalid one is the same answer for all.
  private static int onException(Exception ex, PrintWriter err) {
    if (ex instanceof ConfigException) {
      err.println("agent: " + ex.getMessage());
      return ExitCodes.CONFIG;
    }
    err.println("agent: internal error: " + ex);
    return ExitCodes.FAILED;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }
}
