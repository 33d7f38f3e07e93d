package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --config} before the subcommand ({@code agent --config X check-config}) or after it, as a
 * real process writing into a pipe (see {@link AgentProcess}); the same answers, errors included.
 */
class GlobalOptionsPipeTest {
  @TempDir Path dir;
  Path yml;
  Path target;

  @BeforeEach
  void config() throws Exception {
    target = dir.resolve("out/config.yml");
    yml = MinimalAgentYml.write(dir, target);
  }

  // agent --config YML COMMAND... ARGS...
  private AgentProcess.Result before(List<String> command, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("--config", yml.toString()));
    argv.addAll(command);
    argv.addAll(List.of(args));
    return AgentProcess.run(argv.toArray(new String[0]));
  }

  // agent COMMAND... ARGS... --config YML
  private AgentProcess.Result after(List<String> command, String... args) throws Exception {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of(args));
    argv.addAll(List.of("--config", yml.toString()));
    return AgentProcess.run(argv.toArray(new String[0]));
  }

  @Test
  void checkConfigAttributesAndStatusReadTheConfigGivenBeforeTheSubcommand() throws Exception {
    AgentProcess.Result check = before(List.of("check-config"));
    assertThat(check.exit()).as(check.err()).isZero();
    assertThat(check.out()).contains(yml + ": OK").contains("+answer: 42");
    assertThat(check.out()).isEqualTo(after(List.of("check-config")).out());

    AgentProcess.Result attributes = before(List.of("attributes"));
    assertThat(attributes.exit()).as(attributes.err()).isZero();
    assertThat(attributes.out()).contains("answer: 42");

    AgentProcess.Result status = before(List.of("status"), "--json");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("\"last_run\"");

    AgentProcess.Result list = before(List.of("quarantine", "list"));
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("no quarantined versions");
    AgentProcess.Result between =
        AgentProcess.run("quarantine", "--config", yml.toString(), "list", "--json");
    assertThat(between.exit()).as(between.err()).isZero();
    assertThat(between.out()).contains("\"quarantined\"");
  }

  @Test
  void convergeNowAndDisableEnableReadTheConfigGivenBeforeTheSubcommand() throws Exception {
    AgentProcess.Result why = before(List.of("converge"), "--now", "--why-run");
    assertThat(why.exit()).as(why.err()).isZero();
    assertThat(why.out()).contains("would_change").contains("why-run: result: ");
    assertThat(target).doesNotExist();

    AgentProcess.Result off = before(List.of("disable"), "--reason", "TICKET-1");
    assertThat(off.exit()).as(off.err()).isZero();
    AgentProcess.Result refused = after(List.of("converge"), "--now");
    assertThat(refused.exit()).isEqualTo(ExitCodes.LOCK_BUSY);
    assertThat(refused.err()).contains("TICKET-1");
    AgentProcess.Result on = before(List.of("enable"));
    assertThat(on.exit()).as(on.err()).isZero();

    AgentProcess.Result run = before(List.of("converge"), "--now");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("result: changed");
    assertThat(target).exists();
  }

  @Test
  void theConfigAfterTheSubcommandIsTheOneUsedWhenBothAreGiven() throws Exception {
    AgentProcess.Result r =
        AgentProcess.run(
            "--config",
            dir.resolve("absent.yml").toString(),
            "check-config",
            "--config",
            yml.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains(yml + ": OK");
  }

  @Test
  void aMissingValueIsAUsageErrorInEitherPlace() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--config"},
            new String[] {"check-config", "--config"},
            new String[] {"converge", "--now", "--config"})) {
      AgentProcess.Result r = AgentProcess.run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("Missing required parameter for option '--config'");
      assertThat(r.out()).isEmpty();
    }
    AgentProcess.Result noCommand = AgentProcess.run("--config", yml.toString());
    assertThat(noCommand.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(noCommand.err()).contains("missing command");
  }

  @Test
  void anUnknownOptionIsAUsageErrorInEitherPlace() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--nope", "check-config"},
            new String[] {"check-config", "--nope"},
            new String[] {"--config", yml.toString(), "--nope", "converge", "--now"},
            new String[] {"converge", "--now", "--nope", "--config", yml.toString()})) {
      AgentProcess.Result r = AgentProcess.run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("Unknown option: '--nope'");
      assertThat(r.out()).isEmpty();
    }
    assertThat(target).doesNotExist();
  }
}
