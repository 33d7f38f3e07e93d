package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * agent(1) and the bash completion hold every command and option of the command model: a command or
 * option added to the CLI is in both without anyone editing them.
 */
class GeneratedDocsTest {
  private static List<CommandSpec> everyCommand(CommandSpec parent) {
    List<CommandSpec> all = new ArrayList<>();
    for (CommandLine sub : parent.subcommands().values()) {
      all.add(sub.getCommandSpec());
      all.addAll(everyCommand(sub.getCommandSpec()));
    }
    return all;
  }

  private static String troff(String s) {
    return s.replace("-", "\\-");
  }

  @Test
  void theManPageHasASectionForEveryCommandWithEachOfItsOptionsAndParameters() {
    String page = GeneratedDocs.manPage();
    CommandSpec agent = Main.commandLine().getCommandSpec();
    List<CommandSpec> commands = everyCommand(agent);
    assertThat(commands).extracting(CommandSpec::name).contains("disable", "enable", "list");
    for (OptionSpec o : agent.options()) {
      assertThat(page).contains(".SH GLOBAL OPTIONS").contains(troff(o.longestName()));
    }
    for (CommandSpec c : commands) {
      int start = page.indexOf(".SS " + troff(c.qualifiedName()) + "\n");
      assertThat(start).as(c.qualifiedName()).isNotNegative();
      int end = page.indexOf("\n.S", start + 1);
      String section = page.substring(start, end);
      for (OptionSpec o : c.options()) {
        for (String name : o.names()) {
          assertThat(section).as(c.qualifiedName()).contains("\\fB" + troff(name) + "\\fR");
        }
      }
      for (PositionalParamSpec p : c.positionalParameters()) {
        assertThat(section).as(c.qualifiedName()).contains("\\fI" + troff(p.paramLabel()));
      }
    }
    assertThat(page).startsWith(".TH AGENT 1 ").contains(".SH EXIT STATUS", ".SH FILES");
  }

  @Test
  void theBashCompletionOffersEveryCommandAndOption() {
    String script = GeneratedDocs.bashCompletion();
    CommandSpec agent = Main.commandLine().getCommandSpec();
    assertThat(script).doesNotStartWith("#!").contains("complete -F _complete_agent");
    for (OptionSpec o : agent.options()) {
      assertThat(script).contains(o.longestName());
    }
    for (CommandSpec c : everyCommand(agent)) {
      // picocli names each command's completion function after its path of names.
      String function = "_picocli_" + c.qualifiedName("_").replace("-", "");
      assertThat(script).as(c.qualifiedName()).contains(function + "()");
      int start = script.indexOf(function + "() {");
      String body = script.substring(start, script.indexOf("\n}", start));
      for (OptionSpec o : c.options()) {
        for (String name : o.names()) {
          assertThat(body).as(c.qualifiedName()).contains(name);
        }
      }
      for (CommandLine sub : c.subcommands().values()) {
        assertThat(body).contains(sub.getCommandName());
      }
    }
  }

  @Test
  void mainWritesBothFilesIntoTheGivenDirectory(@TempDir Path dir) throws Exception {
    GeneratedDocs.main(new String[] {dir.resolve("docs").toString()});
    assertThat(Files.readString(dir.resolve("docs/agent.1"))).isEqualTo(GeneratedDocs.manPage());
    assertThat(Files.readString(dir.resolve("docs/agent.bash-completion")))
        .isEqualTo(GeneratedDocs.bashCompletion());
  }
}
