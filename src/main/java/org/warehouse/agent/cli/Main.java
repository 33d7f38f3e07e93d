package org.warehouse.agent.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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
  // Picocli reflects over every subcommand it is given, which was most of a short command's CPU
  // time: a command line naming one gets only that one; help, usage errors and the rest get all.
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("daemon", DaemonCommand::new);
    COMMANDS.put("converge", ConvergeCommand::new);
    COMMANDS.put("status", StatusCommand::new);
    COMMANDS.put("check-config", CheckConfigCommand::new);
    COMMANDS.put("attributes", AttributesCommand::new);
    COMMANDS.put("compare-versions", CompareVersionsCommand::new);
    COMMANDS.put("quarantine", QuarantineCommand::new);
    COMMANDS.put("disable", DisableCommand::new);
    COMMANDS.put("enable", EnableCommand::new);
    COMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
            new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
  }

  /** Runs the CLI with the given output streams and returns the exit code; for tests too. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    Logging.configure(verbose);
    CommandLine cl = new CommandLine(new Main());
    Supplier<Object> named =
        args.length > 0 && !"help".equals(args[0]) ? COMMANDS.get(args[0]) : null;
    if (named != null) {
      cl.addSubcommand(args[0], named.get());
    } else {
      COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    cl.setOut(out);
    cl.setErr(err);
    // Every subcommand, not only the top one, reports bad usage as 64 (EX_USAGE).
    cl.getSubcommands()
        .values()
        .forEach(c -> c.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          // Every command reads agent.yml first; an invalid one is the same answer for all.
          if (ex instanceof ConfigException) {
            commandLine.getErr().println("agent: " + ex.getMessage());
            return ExitCodes.CONFIG;
          }
          commandLine.getErr().println("agent: internal error: " + ex);
          return ExitCodes.FAILED;
        });
    return cl.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }
}
