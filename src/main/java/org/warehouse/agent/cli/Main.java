package org.warehouse.agent.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.warehouse.agent.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
   * The subcommands by name. A holder of its own: building the map links ten constructor
   * references, which {@code agent converge --now} (read by {@link QuickConverge}) never needs.
   */
  private static final class Commands {
    // Picocli reflects over every subcommand it is given, which was most of a short command's CPU
    // time: a command line naming one gets only that one; help, usage errors and the rest get all.
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
      ALL.put("help", CommandLine.HelpCommand::new);
    }
  }

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
    // The command run by hand most often answers without picocli (its model was a third of the
    // command's wall time); everything else, help and usage errors included, goes through it.
    // It sets up logging itself, only when it runs the converge in this process (StderrLog).
    Optional<ConvergeCommand> quick = QuickConverge.parse(args);
    if (quick.isPresent()) {
      try {
        return quick.get().run(out, err);
      } catch (Exception e) {
        return onException(e, err);
      }
    }
    Logging.configure(verbose);
    CommandLine cl = new CommandLine(new Main());
    Supplier<Object> named =
        args.length > 0 && !"help".equals(args[0]) ? Commands.ALL.get(args[0]) : null;
    if (named != null) {
      cl.addSubcommand(args[0], named.get());
    } else {
      Commands.ALL.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    cl.setOut(out);
    cl.setErr(err);
    // Every subcommand, not only the top one, reports bad usage as 64 (EX_USAGE).
    cl.getSubcommands()
        .values()
        .forEach(c -> c.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> onException(ex, commandLine.getErr()));
    return cl.execute(args);
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
