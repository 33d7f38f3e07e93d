package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent rollout ...} as real processes, for the answers that need no database: no rollout
 * section, nobody listening, an unreadable password, usage errors. The states a database shows are
 * in rollout/RolloutCommandsPostgresIT.
 */
class RolloutCommandsPipeTest {
  private static final String PASSWORD = "pw-Hunter2-rollout";
  @TempDir Path dir;

  private static void failsWith(AgentProcess.Result r, int exit, String... messages) {
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    assertThat(r.err()).contains(messages).doesNotContain(PASSWORD);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void withoutARolloutSectionEveryCommandSaysSoWithTheConfigExitCode() throws Exception {
    Path yml = MinimalAgentYml.write(dir, dir.resolve("out/config.yml"));
    for (List<String> command :
        List.of(
            List.of("status", "--json"),
            List.of("halt", "18.09.02"),
            List.of("resume", "18.09.02"),
            List.of("release", "app-1"))) {
      AgentProcess.Result r =
          AgentProcess.run("rollout", command.get(0), command.get(1), "--config", yml.toString());
      failsWith(
          r,
          ExitCodes.CONFIG,
          "agent: " + yml + " has no rollout section: this host takes part in no fleet rollout");
    }
  }

  @Test
  void anUnreachableDatabaseIsUnavailableInTheDatabasesWords() throws Exception {
    Path yml = RolloutAgentYml.write(dir, 1, "s", PASSWORD);
    for (String[] args :
        List.of(
            new String[] {"rollout", "status", "--json", "--config", yml.toString()},
            new String[] {"--config", yml.toString(), "rollout", "halt", "18.09.02"})) {
      failsWith(
          AgentProcess.run(args),
          ExitCodes.UNAVAILABLE,
          "agent: rollout database jdbc:postgresql://127.0.0.1:1/warehouse_agent: ",
          "Connection to 127.0.0.1:1 refused");
    }
  }

  @Test
  void anUnreadablePasswordSecretIsAConfigError() throws Exception {
    Path yml = RolloutAgentYml.write(dir, 1, "s", PASSWORD);
    Files.delete(dir.resolve("secrets/rollout_db"));
    failsWith(
        AgentProcess.run("rollout", "status", "--config", yml.toString()),
        ExitCodes.CONFIG,
        "agent: cannot read the rollout database password: secret 'rollout_db' not found");
  }

  @Test
  void usageErrorsComeBeforeTheDatabase() throws Exception {
    Path yml = RolloutAgentYml.write(dir, 1, "s", PASSWORD);
    String config = "--config=" + yml;
    failsWith(AgentProcess.run("rollout", config), ExitCodes.USAGE, "missing subcommand");
    failsWith(
        AgentProcess.run("rollout", "halt", config),
        ExitCodes.USAGE,
        "Missing required parameter: 'VERSION'");
    failsWith(
        AgentProcess.run("rollout", "halt", "1.0 bad", config),
        ExitCodes.USAGE,
        "agent rollout halt: invalid version '1.0 bad'");
    failsWith(
        AgentProcess.run("rollout", "halt", "1.0", "--reason", " ", config),
        ExitCodes.USAGE,
        "--reason must say why");
    // Checked before the first statement: port 1 would have answered 69.
    failsWith(
        AgentProcess.run("rollout", "release", "app 1", config),
        ExitCodes.USAGE,
        "agent rollout release: 'app 1' is not a host name");
    failsWith(
        AgentProcess.run("rollout", "status", "--nope", config),
        ExitCodes.USAGE,
        "Unknown option: '--nope'");
  }
}
