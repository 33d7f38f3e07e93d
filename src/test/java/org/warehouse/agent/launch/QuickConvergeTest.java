package org.warehouse.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.warehouse.agent.cli.ExitCodes;
import org.warehouse.agent.cli.Main;
import picocli.CommandLine.ParseResult;

/** The picocli-free reading of {@code agent converge --now ...} reads exactly what picocli does. */
class QuickConvergeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "converge --now",
        "converge --now --why-run",
        "converge --detailed-exitcodes --now",
        "converge --now --force --json --verbose",
        "converge --now --config /etc/other.yml",
        "converge --config=/etc/other.yml --now --why-run --detailed-exitcodes",
        "converge --config relative.yml --now",
        "converge --why-run --now --detailed-exitcodes --force --json --verbose --config a.yml",
        "--config /etc/other.yml converge --now",
        "--config=relative.yml converge --now --why-run --json",
      })
  void readsWhatPicocliReads(String line) {
    String[] args = line.split(" ");
    Optional<QuickConverge> quick = QuickConverge.parse(args);
    assertThat(quick).as(line).isPresent();
    ParseResult top = Main.commandLine().parseArgs(args);
    assertThat(fields(quick.get())).as(line).isEqualTo(fields(top));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "converge",
        "converge --why-run",
        "converge --now --help",
        "converge -h --now",
        "converge --now --version",
        "converge --now --now",
        "converge --now --config",
        "converge --now --config --why-run",
        "converge --now --config=",
        "converge --now --config a.yml --config b.yml",
        "converge --now --nope",
        "converge --now extra",
        "converge --now -- --why-run",
        "status --now",
        "--now converge",
        "--config a.yml converge --now --config b.yml",
        "--config converge --now",
        "--config= converge --now",
        "--config a.yml --config b.yml converge --now",
        "--config a.yml --verbose converge --now",
        "--config a.yml",
        "--config",
      })
  void leavesEverythingElseToPicocli(String line) {
    assertThat(QuickConverge.parse(line.split(" "))).as(line).isEmpty();
  }

  @Test
  void whatItLeavesIsAnsweredByPicocliAsBefore() {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"converge", "--now", "--nope"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Unknown option: '--nope'");

    StringWriter out = new StringWriter();
    code =
        Main.run(
            new String[] {"converge", "--now", "--help"},
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true));
    assertThat(code).isZero();
    assertThat(out.toString()).contains("--detailed-exitcodes", "--why-run");
  }

  private static List<Object> fields(QuickConverge c) {
    List<Object> f = new ArrayList<>();
    f.add(c.now());
    f.add(c.whyRun());
    f.add(c.detailed());
    f.add(c.force());
    f.add(c.json());
    f.add(c.verbose());
    f.add(c.config() == null ? "" : c.config().toString());
    return f;
  }

  // What picocli read: the subcommand's options, and --config from after the subcommand, else
  // from before it.
  private static List<Object> fields(ParseResult top) {
    ParseResult converge = top.subcommand();
    List<Object> f = new ArrayList<>();
    for (String option :
        List.of("--now", "--why-run", "--detailed-exitcodes", "--force", "--json", "--verbose")) {
      f.add(converge.matchedOptionValue(option, false));
    }
    Path config = converge.matchedOptionValue("--config", top.matchedOptionValue("--config", null));
    f.add(config == null ? "" : config.toString());
    return f;
  }
}
