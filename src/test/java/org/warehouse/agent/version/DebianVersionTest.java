package org.warehouse.agent.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Table tests of {@link DebianVersion} from dpkg's and APT's public test vectors, dpkg's parse
 * errors and warnings (cross-checked against the live dpkg where it is installed), and the
 * equals/hashCode contract.
 */
class DebianVersionTest {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** One "A B RESULT" line of a vector file. */
  private record Vector(String a, String b, int expected, int line) {}

  private static List<Vector> vectors(String resource) throws IOException {
    List<Vector> out = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                DebianVersionTest.class.getResourceAsStream(resource), resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] f = WHITESPACE.split(t, -1);
        out.add(new Vector(f[0], f[1], Integer.parseInt(f[2]), n));
      }
    }
    return out;
  }

  // Checks a op b both ways round, and that equals/hashCode agree with the order.
  private static void checkOrder(SoftAssertions soft, String a, String b, int expected) {
    DebianVersion va = DebianVersion.parseLax(a);
    DebianVersion vb = DebianVersion.parseLax(b);
    String what = "'" + a + "' vs '" + b + "'";
    soft.assertThat(va.compareTo(vb)).as(what).isEqualTo(expected);
    soft.assertThat(vb.compareTo(va)).as("reversed " + what).isEqualTo(-expected);
    soft.assertThat(va.equals(vb)).as("equals " + what).isEqualTo(expected == 0);
    if (expected == 0) {
      soft.assertThat(va.hashCode()).as("hashCode " + what).isEqualTo(vb.hashCode());
    }
    soft.assertThat(va.compareTo(DebianVersion.parseLax(a))).as("self " + a).isZero();
    soft.assertThat(va.toString()).isEqualTo(a);
  }

  private static int checkFile(String resource) throws IOException {
    List<Vector> vs = vectors(resource);
    SoftAssertions soft = new SoftAssertions();
    for (Vector v : vs) {
      checkOrder(soft, v.a(), v.b(), v.expected());
    }
    soft.assertAll();
    return vs.size();
  }

  @Test
  void aptVersionsLst() throws IOException {
    int n = checkFile("/org/warehouse/agent/version/apt-versions.lst");
    System.out.println("DebianVersionTest: APT versions.lst: " + n + " pairs checked both ways");
    assertThat(n).isGreaterThanOrEqualTo(60);
  }

  @Test
  void dpkgPerlVectors() throws IOException {
    int n = checkFile("/org/warehouse/agent/version/dpkg-version-vectors.lst");
    System.out.println("DebianVersionTest: dpkg Dpkg_Version.t: " + n + " pairs checked both ways");
    assertThat(n).isGreaterThanOrEqualTo(40);
  }

  // APT's compareversion_test.cc cases that versions.lst lacks, and our own edge cases; each was
  // checked with dpkg --compare-versions 1.21.
  @ParameterizedTest(name = "{0} vs {1} = {2}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "9:1.18.36:5.4-20| 9:1.18.37:4.3-22|-1",
        "1.0|1.0-0~|1",
        "1.0~rc1|1.0|-1",
        "1.0~|1.0|-1",
        "1~|1|-1",
        "1~~|1~|-1",
        "1~~a|1~~|1",
        "1.0|1.0+b1|-1",
        "1.0|1.0a|-1",
        "1.0a|1.0.|-1",
        "1.0|1.|0",
        "1.0a|1.0a0|0",
        "1.0-0|1.0|0",
        "1.0-00|1.0-0|0",
        "0:1.0|1.0|0",
        "01.00|1.0|0",
        "1.0|1.0.0|-1",
        "1.0-1|1.0.0|-1",
        "18.09.01|18.09.01~rc1|1",
        "26.11.03~rc1|26.11.03|-1",
        "26.11.03~rc1|26.11.03~rc2|-1",
        "26.11.03|26.11.3|0",
        "2:1.2.3-4+deb12u1|2:1.2.3-4|1",
        "2:1.2.3-4+deb12u1|2:1.2.3-4+deb12u2|-1",
        "1:1.0|99999|1",
        "1.123456789012345678901234567890|1.123456789012345678901234567891|-1",
        "1.223456789012345678901234567890|1.123456789012345678901234567891|1",
        "1.0000000000000000000000000000001|1.1|0",
        "1.99999999999999999999999999999|1.100000000000000000000000000000|-1",
        "99999999999999999999999999999999999999|100000000000000000000000000000000000000|-1",
        "2147483647:1|2147483646:99|1",
        "1.A|1.a|-1",
        "1.Z|1.a|-1",
        "1+|1.|-1",
        "1-1|1-1.|-1",
        "1-a|1-0|1",
      })
  void orderTable(String a, String b, int expected) {
    SoftAssertions soft = new SoftAssertions();
    checkOrder(soft, a, b, expected);
    soft.assertAll();
  }

  // Versions dpkg only warns about still compare, byte by byte as dpkg on amd64 (signed char):
  // bytes >= 0x80 sort after letters and before other punctuation. Checked with dpkg 1.21.
  @ParameterizedTest(name = "lax {0} vs {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1é|1a|1",
        "1é|1.|-1",
        "1é|1~|1",
        "1é|1|1",
        "1ä|1é|-1",
        "1.0-é|1.0-z|1",
        "a|1|1",
        "~~|~|-1",
        "1_0|1.0|1",
        "1_0|1~0|1",
        "1_0|1+0|1",
        "III-alpha9.8|III-alpha9.8-1.5|-1",
      })
  void laxOrderTable(String a, String b, int expected) {
    SoftAssertions soft = new SoftAssertions();
    checkOrder(soft, a, b, expected);
    soft.assertAll();
    assertThat(DebianVersion.isValid(a) && DebianVersion.isValid(b)).isFalse();
  }

  @Test
  void controlCharactersAreBytesNotBlanks() {
    // Only space and tab are blanks to dpkg; "\n" is an invalid character that sorts as a byte.
    assertThat(DebianVersion.parseLax("1.0\n").compareTo(DebianVersion.parseLax("1.0"))).isOne();
    assertThat(DebianVersion.parseLax("1\r").compareTo(DebianVersion.parseLax("1\n"))).isOne();
    assertThat(DebianVersion.parseLax("1.0\n").syntaxWarning())
        .contains("invalid character in version number");
    // strtol skips "\n" before the epoch digits: dpkg takes this as epoch 1, silently.
    DebianVersion v = DebianVersion.parse("\n1:0");
    assertThat(v.epoch()).isEqualTo(1);
    assertThat(v).isEqualTo(DebianVersion.parse("1:0"));
  }

  /** dpkg's lib/dpkg/t/t-version.c, test_version_parse: what each valid string parses into. */
  @ParameterizedTest(name = "''{0}'' = {1}:{2}-{3}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "0|0|0|''",
        "0:0|0|0|''",
        "0:0-0|0|0|0",
        "0:0.0-0.0|0|0.0|0.0",
        "1:0|1|0|''",
        "5:1|5|1|''",
        "0:0-0-0|0|0-0|0",
        "0:0-0-0-0|0|0-0-0|0",
        "0:0:0-0|0|0:0|0",
        "0:0:0:0-0|0|0:0:0|0",
        "0:0:0-0-0|0|0:0-0|0",
        "0:0-0:0-0|0|0-0:0|0",
        "0:09azAZ.-+~:-0|0|09azAZ.-+~:|0",
        "0:0-azAZ09.+~|0|0|azAZ09.+~",
        "  \t0:0-1|0|0|1",
        "0:0-1\t  |0|0|1",
        "\t  0:0-1  \t|0|0|1",
        "2:1.2.3-4+deb12u1|2|1.2.3|4+deb12u1",
        "26.11.03~rc1|0|26.11.03~rc1|''",
        "+1:0|1|0|''",
        "-0:1|0|1|''",
        "007:1|7|1|''",
        "2147483647:1|2147483647|1|''",
      })
  void parsesLikeDpkg(String text, long epoch, String upstream, String revision) {
    String t = text;
    DebianVersion v = DebianVersion.parse(t);
    assertThat(v.epoch()).isEqualTo(epoch);
    assertThat(v.upstream()).isEqualTo(upstream);
    assertThat(v.revision()).isEqualTo(revision);
    assertThat(v.toString()).isEqualTo(t);
    assertThat(v.syntaxWarning()).isEmpty();
    assertThat(DebianVersion.isValid(t)).isTrue();
    assertThat(DebianVersion.parseLax(t)).isEqualTo(v);
  }

  /**
   * A bad version, dpkg's reason, and whether dpkg only warns ({@code W}) or errors ({@code E}).
   */
  private record Bad(String text, String reason, boolean warningOnly) {}

  private static final List<Bad> BAD = badVersions();

  private static List<Bad> badVersions() {
    List<Bad> bad = new ArrayList<>();
    String empty = "version string is empty";
    String spaces = "version string has embedded spaces";
    String epochEmpty = "epoch in version is empty";
    String notNumber = "epoch in version is not number";
    String negative = "epoch in version is negative";
    String tooBig = "epoch in version is too big";
    String afterColon = "nothing after colon in version number";
    String noRevision = "revision number is empty";
    String noVersion = "version number is empty";
    String noDigit = "version number does not start with digit";
    String badUpstream = "invalid character in version number";
    String badRevision = "invalid character in revision number";
    for (String[] e :
        new String[][] {
          // From t-version.c.
          {"  ", empty},
          {"0:", afterColon},
          {":1.0", epochEmpty},
          {"1.0-", noRevision},
          {"0:0 0-1", spaces},
          {"-1:0-1", negative},
          {"999999999999999999999999:0-1", tooBig},
          {"a:0-0", epochEmpty},
          {"A:0-0", epochEmpty},
          {"-0", noVersion},
          {"0:-0", noVersion},
          // Ours, each checked with dpkg --compare-versions.
          {" \t ", empty},
          {"1 0", spaces},
          {"1.0 -1", spaces},
          {"1.0\t1", spaces},
          {"+:1", epochEmpty},
          {"\n:1", epochEmpty},
          {"1a:1", notNumber},
          {"1.0-a:b", notNumber},
          {"1 :1", spaces},
          {"-99999999999999999999:1", negative},
          {"2147483648:1", tooBig},
          {"99999999999999999999:1", tooBig},
          {"1:", afterColon},
          {"1: ", noVersion},
          {"1:\t", noVersion},
          {"1:1.0-", noRevision},
          {"-", noRevision},
          {"-1", noVersion},
          {"1.0--", noRevision},
        }) {
      bad.add(new Bad(e[0], e[1], false));
    }
    for (String[] w :
        new String[][] {
          {"0:abc3-0", noDigit},
          {"a1", noDigit},
          {"~1", noDigit},
          {"é1", noDigit},
          {"1:a", noDigit},
          {"1_0", badUpstream},
          {"1.0\n", badUpstream},
          {"1é", badUpstream},
          {"1.0-1_1", badRevision},
          {"1:1.0-a:b", badRevision},
          {"1.0-1é", badRevision},
          // The first problem wins: a bad start is reported before bad characters.
          {"a_1-1_1", noDigit},
          {"1_1-1_1", badUpstream},
        }) {
      bad.add(new Bad(w[0], w[1], true));
    }
    // t-version.c: every one of these characters in the upstream part, then in the revision.
    for (char c : "!#@$%&/|\\<>()[]{};,_=*^'".toCharArray()) {
      bad.add(new Bad("0:0" + c + "a-0", badUpstream, true));
    }
    for (char c : "!#@$%&/|\\<>()[]{}:;,_=*^'".toCharArray()) {
      bad.add(new Bad("0:0-" + c, badRevision, true));
    }
    return bad;
  }

  @Test
  void rejectsWhatDpkgRejectsWithDpkgsReason() {
    SoftAssertions soft = new SoftAssertions();
    for (Bad b : BAD) {
      String what = "'" + DpkgOracleFile.escape(b.text()) + "'";
      soft.assertThat(DebianVersion.isValid(b.text())).as(what).isFalse();
      soft.assertThatThrownBy(() -> DebianVersion.parse(b.text()))
          .as(what)
          .isInstanceOf(InvalidVersionException.class)
          .hasMessage(b.reason())
          .extracting(e -> ((InvalidVersionException) e).warningOnly())
          .isEqualTo(b.warningOnly());
      if (b.warningOnly()) {
        DebianVersion lax = DebianVersion.parseLax(b.text());
        soft.assertThat(lax.syntaxWarning()).as(what).contains(b.reason());
        soft.assertThat(lax.toString()).isEqualTo(b.text());
      } else {
        soft.assertThatThrownBy(() -> DebianVersion.parseLax(b.text()))
            .as("lax " + what)
            .isInstanceOf(InvalidVersionException.class)
            .hasMessage(b.reason());
      }
    }
    soft.assertAll();
    System.out.println("DebianVersionTest: " + BAD.size() + " bad versions checked");
  }

  @Test
  void badVersionsAreBadToTheLiveDpkgToo() {
    assumeTrue(Dpkg.available(), "dpkg is not installed");
    SoftAssertions soft = new SoftAssertions();
    for (Bad b : BAD) {
      Dpkg.Result r = Dpkg.run(b.text(), "eq", b.text());
      String what = "dpkg on '" + DpkgOracleFile.escape(b.text()) + "'";
      soft.assertThat(r.exitStatus()).as(what).isEqualTo(b.warningOnly() ? 0 : 2);
      soft.assertThat(r.stderr())
          .as(what)
          .contains((b.warningOnly() ? "warning: " : "error: ") + "version '")
          .contains("has bad syntax: " + b.reason());
    }
    soft.assertAll();
    System.out.println("DebianVersionTest: " + BAD.size() + " bad versions checked with live dpkg");
  }

  @Test
  void nullAndNulAreRejected() {
    assertThatThrownBy(() -> DebianVersion.parse(null)).isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> DebianVersion.parseLax("1.0\u0000"))
        .isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining("NUL");
    assertThat(DebianVersion.isValid(null)).isFalse();
    assertThat(DebianVersion.isValid("")).isFalse();
  }

  @Test
  void equalsAndHashCodeFollowCompareTo() {
    String[][] equalGroups = {
      {"1.0", "1.0-0", "0:1.0", "1.00", "01.0", "1.", "0:1.0-00", "00:001.000-0"},
      {"1.0a", "1.0a0", "1.00a00", "1.0a-0"},
      {"2:1.2.3-4+deb12u1", "02:01.02.03-04+deb012u01"},
      {"1.0~rc1", "1.0~rc01", "1.00~rc1-0"},
      {"5", "05", "0:5", "5-0", "5-00"},
      {"1.123456789012345678901234567890", "1.000123456789012345678901234567890"},
    };
    SoftAssertions soft = new SoftAssertions();
    int pairs = 0;
    for (String[] group : equalGroups) {
      for (String a : group) {
        for (String b : group) {
          DebianVersion va = DebianVersion.parse(a);
          DebianVersion vb = DebianVersion.parse(b);
          soft.assertThat(va).as(a + " = " + b).isEqualTo(vb);
          soft.assertThat(va.hashCode()).as("hash " + a + " = " + b).isEqualTo(vb.hashCode());
          soft.assertThat(va.compareTo(vb)).isZero();
          pairs++;
        }
      }
    }
    DebianVersion one = DebianVersion.parse("1.0");
    soft.assertThat(one).isNotEqualTo(DebianVersion.parse("1.0-1"));
    soft.assertThat(one).isNotEqualTo(DebianVersion.parse("1.0.0"));
    soft.assertThat(one).isNotEqualTo(DebianVersion.parse("1:1.0"));
    soft.assertThat(one.equals((Object) "1.0")).isFalse();
    soft.assertThat(one.toString()).isEqualTo("1.0");
    soft.assertThat(DebianVersion.parse("1.0-0").toString()).isEqualTo("1.0-0");
    soft.assertAll();
    System.out.println("DebianVersionTest: " + pairs + " equal pairs checked for equals/hashCode");
  }

  @Test
  void accessorsReportTheParts() {
    DebianVersion v = DebianVersion.parse(" 2:1.2.3-4+deb12u1 ");
    assertThat(v.epoch()).isEqualTo(2);
    assertThat(v.upstream()).isEqualTo("1.2.3");
    assertThat(v.revision()).isEqualTo("4+deb12u1");
    assertThat(v.toString()).isEqualTo(" 2:1.2.3-4+deb12u1 ");
    DebianVersion native1 = DebianVersion.parse("18.09.01");
    assertThat(native1.epoch()).isZero();
    assertThat(native1.revision()).isEmpty();
    assertThat(DebianVersion.parseLax("1é-ü").upstream()).isEqualTo("1é");
    assertThat(DebianVersion.parseLax("1é-ü").revision()).isEqualTo("ü");
  }
}
