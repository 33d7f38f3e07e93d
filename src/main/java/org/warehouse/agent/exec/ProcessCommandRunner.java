package org.warehouse.agent.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/** Runs commands on the real host through Commons Exec, with a watchdog that kills the tree. */
public final class ProcessCommandRunner implements CommandRunner {
  private static final int HEAD = 64 * 1024;
  private static final int TAIL = 64 * 1024;

  @Override
  public CommandResult run(Command command) throws IOException, InterruptedException {
    List<String> argv = command.argv();
    CommandLine line = new CommandLine(argv.get(0));
    for (String arg : argv.subList(1, argv.size())) {
      // handleQuoting=false: arguments reach execve exactly as given.
      line.addArgument(arg, false);
    }
    CappedOutput out = new CappedOutput(HEAD, TAIL);
    CappedOutput err = new CappedOutput(HEAD, TAIL);
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
    DefaultExecutor executor = new TreeKillingExecutor();
    executor.setStreamHandler(new PumpStreamHandler(out, err));
    executor.setWatchdog(watchdog);
    executor.setExitValues(null);
    long start = System.nanoTime();
    int exit;
    try {
      exit = executor.execute(line, Map.copyOf(command.env()));
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while running " + argv.get(0));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return new CommandResult(
        command, exit, out.toString(), err.toString(), watchdog.killedProcess(), elapsed);
  }

  /** An executor whose processes, when destroyed by the watchdog, take their children along. */
  private static final class TreeKillingExecutor extends DefaultExecutor {
    @SuppressWarnings("deprecation") // the builder offers no hook to wrap the launched process
    TreeKillingExecutor() {
      super();
    }

    @Override
    protected Process launch(CommandLine command, Map<String, String> env, Path dir)
        throws IOException {
      return new TreeKillingProcess(super.launch(command, env, dir));
    }
  }
}
