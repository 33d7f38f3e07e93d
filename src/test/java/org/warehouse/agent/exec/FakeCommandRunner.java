package org.warehouse.agent.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records every command and answers from a script; for unit tests that assert exact argv. */
public final class FakeCommandRunner implements CommandRunner {
  private final List<Command> commands = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();

  private record Rule(List<String> prefix, Function<Command, CommandResult> answer) {}

  /** Answers commands whose argv starts with {@code prefix} (later rules win). */
  public FakeCommandRunner on(List<String> prefix, int exit, String stdout, String stderr) {
    rules.add(
        0, new Rule(prefix, c -> new CommandResult(c, exit, stdout, stderr, false, Duration.ZERO)));
    return this;
  }

  /** Answers with a timeout for commands whose argv starts with {@code prefix}. */
  public FakeCommandRunner timeoutOn(List<String> prefix) {
    rules.add(0, new Rule(prefix, c -> new CommandResult(c, -1, "", "", true, c.timeout())));
    return this;
  }

  public List<Command> commands() {
    return commands;
  }

  public List<List<String>> argvs() {
    return commands.stream().map(Command::argv).toList();
  }

  @Override
  public CommandResult run(Command command) {
    commands.add(command);
    for (Rule r : rules) {
      if (command.argv().size() >= r.prefix().size()
          && command.argv().subList(0, r.prefix().size()).equals(r.prefix())) {
        return r.answer().apply(command);
      }
    }
    throw new AssertionError("unexpected command: " + command.argv());
  }
}
