package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.converge.RunLockTest;

/**
 * Every command as a real process writing into a pipe (see {@link AgentProcess}): the output a
 * {@code StringWriter} in {@link CliTest} sees must also reach {@code agent ... | cat}.
 */
class CliPipeTest {
  @TempDir Path dir;
  Path yml;
  Path target;

  @BeforeEach
  void config() throws Exception {
    target = dir.resolve("out/config.yml");
    yml = MinimalAgentYml.write(dir, target);
  }

  AgentProcess.Result agent(String... args) throws Exception {
    return AgentProcess.run(args);
  }

  @Test
  void attributesPrintsTheWholeTreeIntoAPipe() throws Exception {
    AgentProcess.Result r = agent("attributes", "--config", yml.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("merged node attributes").contains("answer: 42");
    AgentProcess.Result explain =
        agent("attributes", "--config", yml.toString(), "--explain", "warehouse.config.answer");
    assertThat(explain.exit()).as(explain.err()).isZero();
    assertThat(explain.out()).contains("warehouse.config.answer: set by default");
  }

  @Test
  void checkConfigPrintsTheRenderedFileAndItsDiffIntoAPipe() throws Exception {
    AgentProcess.Result r = agent("check-config", "--config", yml.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(": OK (0 repositories, 0 packages, 1 config files, 0 services)")
        .contains("==> " + target)
        .contains("answer: 42\n")
        .contains("+answer: 42");
  }

  @Test
  void convergeWhyRunStatusAndJsonIntoAPipe() throws Exception {
    AgentProcess.Result why = agent("converge", "--now", "--why-run", "--config", yml.toString());
    assertThat(why.exit()).as(why.err()).isZero();
    assertThat(why.out()).contains("would_change").contains("why-run: result: ");
    assertThat(target).doesNotExist();

    AgentProcess.Result none = agent("status", "--config", yml.toString());
    assertThat(none.exit()).as(none.err()).isZero();
    assertThat(none.out()).contains("no converge has run yet").contains("next run:");

    AgentProcess.Result run = agent("converge", "--now", "--config", yml.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("changed").contains("result: changed");
    assertThat(target).exists();

    AgentProcess.Result status = agent("status", "--config", yml.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("last run:").contains("file:" + target);
    AgentProcess.Result json = agent("status", "--json", "--config", yml.toString());
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"last_run\"").contains("\"quarantined\"");
  }

  @Test
  void convergeExits75WhileAnAgentWithAnotherRunDirHoldsTheStateDirsLock() throws Exception {
    Path lock = dir.resolve("state/run.lock");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RunLockTest.LockHolder.class.getName(),
                lock.toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(new String(holder.getInputStream().readNBytes(7), StandardCharsets.UTF_8))
          .isEqualTo("locked\n");
      Files.writeString(yml, Files.readString(yml) + "lock_timeout: 1s\n");
      AgentProcess.Result r = agent("converge", "--now", "--config", yml.toString());
      assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.LOCK_BUSY);
      assertThat(r.err())
          .contains("another converge holds the run lock " + lock + " (pid " + holder.pid() + ")");
      assertThat(target).doesNotExist();
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void compareVersionsAnswersThroughItsExitStatusAndWarnsOnStderr() throws Exception {
    assertThat(agent("compare-versions", "1.0", "lt", "2.0").exit()).isZero();
    assertThat(agent("compare-versions", "2.0", "lt", "1.0").exit()).isEqualTo(1);
    AgentProcess.Result old = agent("compare-versions", "1.0", "<", "2.0");
    assertThat(old.exit()).isZero();
    assertThat(old.err()).contains("obsolete");
  }

  @Test
  void quarantineListAndClearIntoAPipe() throws Exception {
    AgentProcess.Result empty = agent("quarantine", "list", "--config", yml.toString());
    assertThat(empty.exit()).as(empty.err()).isZero();
    assertThat(empty.out()).contains("no quarantined versions");
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(
        dir.resolve("state/quarantine.json"),
        "{\"quarantined\": [{\"package\": \"warehouse\", \"version\": \"18.09.02\","
            + " \"reason\": \"health check failed\", \"time\": \"2026-12-01T00:00:00Z\"}]}");
    AgentProcess.Result list = agent("quarantine", "list", "--config", yml.toString());
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("warehouse").contains("18.09.02").contains("health check");
    AgentProcess.Result json = agent("quarantine", "list", "--json", "--config", yml.toString());
    assertThat(json.out()).contains("\"version\" : \"18.09.02\"");
    AgentProcess.Result clear =
        agent("quarantine", "clear", "warehouse", "18.09.02", "--config", yml.toString());
    assertThat(clear.exit()).as(clear.err()).isZero();
    assertThat(clear.out()).contains("cleared warehouse 18.09.02");
    AgentProcess.Result again =
        agent("quarantine", "clear", "warehouse", "18.09.02", "--config", yml.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("is not quarantined");
  }

  @Test
  void disableAndEnableIntoAPipe() throws Exception {
    AgentProcess.Result off = agent("disable", "--reason", "TICKET-1", "--config", yml.toString());
    assertThat(off.exit()).as(off.err()).isZero();
    assertThat(off.out()).contains("converges disabled by").contains("TICKET-1");
    AgentProcess.Result refused = agent("converge", "--now", "--config", yml.toString());
    assertThat(refused.exit()).isEqualTo(ExitCodes.LOCK_BUSY);
    assertThat(refused.err()).contains("not converging").contains("TICKET-1");
    AgentProcess.Result on = agent("enable", "--config", yml.toString());
    assertThat(on.exit()).as(on.err()).isZero();
    assertThat(on.out()).contains("enabled; converges had been disabled by");
  }

  @Test
  void versionAndHelpIntoAPipe() throws Exception {
    AgentProcess.Result version = agent("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).contains("warehouse-agent ");
    AgentProcess.Result help = agent("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("check-config", "compare-versions", "quarantine", "disable");
    AgentProcess.Result sub = agent("converge", "--help");
    assertThat(sub.exit()).isZero();
    assertThat(sub.out()).contains("--why-run", "--detailed-exitcodes");
    AgentProcess.Result usage = agent("converge");
    assertThat(usage.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err()).contains("--now is required");
  }
}
