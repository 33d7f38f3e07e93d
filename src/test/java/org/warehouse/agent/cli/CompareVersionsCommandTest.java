package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code agent compare-versions}: dpkg's relations and exit codes, checked against dpkg itself. */
class CompareVersionsCommandTest {
  private static final String[] RELATIONS = {
    "lt", "le", "eq", "ne", "ge", "gt", "<<", "<=", "=", ">=", ">>", "<", ">", "lt-nl", "le-nl",
    "ge-nl", "gt-nl"
  };

  /** Exit status and the text written to stderr and stdout. */
  private record Run(int exitCode, String err, String out) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new CompareVersionsCommand());
    cmd.setErr(new PrintWriter(err, true));
    cmd.setOut(new PrintWriter(out, true));
    int rc = cmd.execute(args);
    return new Run(rc, err.toString(), out.toString());
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0|lt|1.1|0",
        "1.1|lt|1.0|1",
        "1.0|lt|1.0-0|1",
        "1.0|le|1.0-0|0",
        "1.0|eq|1.0-0|0",
        "1.0|ne|1.0-0|1",
        "1.0|ne|1.0-1|0",
        "1.0|ge|1.0~rc1|0",
        "1.0~rc1|gt|1.0|1",
        "2:1.2.3-4+deb12u1|>>|2:1.2.3-4|0",
        "18.09.01|<<|26.11.03~rc1|0",
        "26.11.03~rc1|<<|26.11.03|0",
        "26.11.03|<=|26.11.3|0",
        "26.11.03|=|26.11.3|0",
        "26.11.03|>=|26.11.04|1",
        "1:0|>>|99999|0",
        "1.0|<|1.0|0",
        "1.0|<|1.1|0",
        "1.1|<|1.0|1",
        "1.0|>|1.0|0",
        "1.0|>|0.9|0",
        "0.9|>|1.0|1",
      })
  void relations(String a, String op, String b, int expected) {
    assertThat(run(a, op, b).exitCode()).isEqualTo(expected);
  }

  @Test
  void emptyVersionIsEarlierThanAnyExceptForNlRelations() {
    assertThat(run("", "lt", "1.0").exitCode()).isZero();
    assertThat(run("<unknown>", "lt", "1.0").exitCode()).isZero();
    assertThat(run("", "eq", "").exitCode()).isZero();
    assertThat(run("1.0", "gt", "").exitCode()).isZero();
    assertThat(run("", "lt-nl", "1.0").exitCode()).isOne();
    assertThat(run("1.0", "lt-nl", "").exitCode()).isZero();
    assertThat(run("", "gt-nl", "1.0").exitCode()).isZero();
  }

  @Test
  void obsoleteRelationsWarnAndMeanOrEqual() {
    Run lessOrEqual = run("1.0", "<", "1.0");
    assertThat(lessOrEqual.exitCode()).isZero();
    assertThat(lessOrEqual.err()).contains("warning").contains("obsolete").contains("'<'");
    Run greaterOrEqual = run("1.0", ">", "1.0");
    assertThat(greaterOrEqual.exitCode()).isZero();
    assertThat(greaterOrEqual.err()).contains("'>'");
  }

  @Test
  void badRelationExits2NamingIt() {
    Run r = run("1.0", "LT", "1.1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("bad relation 'LT'");
    assertThat(run("1.0", "!=", "1.1").exitCode()).isEqualTo(2);
    assertThat(run("1.0", "==", "1.1").exitCode()).isEqualTo(2);
  }

  @Test
  void invalidVersionExits2NamingVersionAndReason() {
    Run r = run("1.0", "lt", "1:");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("error: version '1:' has bad syntax: nothing after colon in version number");
    Run first = run("1 0", "lt", "1.0");
    assertThat(first.exitCode()).isEqualTo(2);
    assertThat(first.err()).contains("'1 0'").contains("embedded spaces");
    assertThat(run("2147483648:1", "gt", "1").err()).contains("epoch in version is too big");
    assertThat(run("1.0-", "gt", "1").err()).contains("revision number is empty");
  }

  @Test
  void versionDpkgOnlyWarnsAboutIsComparedWithAWarning() {
    Run r = run("a1", "lt", "1.0");
    assertThat(r.exitCode()).isOne();
    assertThat(r.err())
        .contains("warning: version 'a1' has bad syntax: version number does not start with digit");
    Run bad = run("1.0_1", "gt", "1.0");
    assertThat(bad.exitCode()).isZero();
    assertThat(bad.err()).contains("invalid character in version number");
  }

  @Test
  void leadingHyphenNeedsDoubleDashAsWithDpkg() {
    assertThat(run("--", "-0:1.0", "eq", "1.0").exitCode()).isZero();
    assertThat(run("--", "-1", "lt", "1").exitCode()).isEqualTo(2);
  }

  @Test
  void validOutputIsSilent() {
    Run r = run("1.0", "lt", "2.0");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEmpty();
  }

  @Test
  void wrongArgumentCountIsAUsageError() {
    assertThat(run("1.0", "lt").exitCode()).isEqualTo(2);
    assertThat(run("1.0", "lt", "2", "3").exitCode()).isEqualTo(2);
  }

  @Test
  void helpNamesTheCommand() {
    Run r = run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("compare-versions").contains("lt le eq ne ge gt");
  }

  @Test
  void exitCodesMatchDpkgForEveryRelation() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "dpkg is not installed");
    String[][] pairs = {
      {"1.0", "1.1"},
      {"1.1", "1.0"},
      {"1.0", "1.0-0"},
      {"1.0~rc1", "1.0"},
      {"", "1.0"},
      {"1.0", ""},
      {"", ""},
      {"<unknown>", "1.0"},
      {"a1", "1.0"},
      {"1:", "1.0"},
      {"1.0", "1 0"},
      {"-0:1", "1"},
      {" 1.0 ", "1.0"},
    };
    List<String[]> cases = new ArrayList<>();
    for (String[] p : pairs) {
      for (String op : RELATIONS) {
        cases.add(new String[] {p[0], op, p[1]});
      }
    }
    for (String op : new String[] {"LT", "!=", "==", "lt-NL", ""}) {
      cases.add(new String[] {"1", op, "2"});
    }
    // dpkg costs milliseconds a run: ask it on two threads.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Integer>> dpkg = new ArrayList<>();
    try {
      for (String[] c : cases) {
        dpkg.add(pool.submit(() -> dpkg(c[0], c[1], c[2])));
      }
      SoftAssertions soft = new SoftAssertions();
      for (int i = 0; i < cases.size(); i++) {
        String[] c = cases.get(i);
        soft.assertThat(run("--", c[0], c[1], c[2]).exitCode())
            .as("'%s' %s '%s'", c[0], c[1], c[2])
            .isEqualTo(dpkg.get(i).get());
      }
      soft.assertAll();
    } finally {
      pool.shutdownNow();
    }
    System.out.println(
        "CompareVersionsCommandTest: " + cases.size() + " exit codes checked with dpkg");
  }

  private static int dpkg(String a, String op, String b) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/dpkg", "--compare-versions", "--"));
    cmd.addAll(List.of(a, op, b));
    try {
      return new ProcessBuilder(cmd)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
