package org.warehouse.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class YamlScalarsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "no",
        "No",
        "NO",
        "yes",
        "on",
        "off",
        "y",
        "n",
        "true",
        "True",
        "false",
        "null",
        "Null",
        "NULL",
        "~",
        "",
        "0755",
        "0x1F",
        "1e3",
        "1_000",
        "2018-09-14",
        "2018-09-14 10:00:00",
        ".inf",
        "-.inf",
        ".nan",
        "1:30",
        "a: b",
        "a #b",
        "- a",
        "? a",
        "*a",
        "&a",
        "!a",
        "%a",
        "@a",
        "`a",
        "[a",
        "{a",
        "'a",
        "\"a",
        "|a",
        ">a",
        " a",
        "a ",
        "a\tb",
        "a\nb",
        "<<",
        "=",
        "caf\u00e9",
        "1",
        "-1",
        ".5",
        "a b",
        "a,b",
        "a:b",
        "a#b"
      })
  void quotesEverythingThatIsNotAnIdentifierLikeToken(String s) {
    assertThat(YamlScalars.isPlainSafe(s)).isFalse();
    assertThat(YamlScalars.string(s)).startsWith("\"").endsWith("\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "warehouse",
        "web1",
        "a.b.c",
        "a/b",
        "A_B-c.d",
        "_x",
        "nope",
        "yes_no",
        "Trueish",
        "nullable"
      })
  void leavesIdentifiersPlain(String s) {
    assertThat(YamlScalars.string(s)).isEqualTo(s);
  }

  @Test
  void escapesWhatPyYamlWouldNotReadAsIs() {
    assertThat(YamlScalars.quote("a\"b\\c\nd\te\rf")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\rf\"");
    assertThat(YamlScalars.quote("\u0000\u0007\u001b\u007f\u0085\u2028\u2029\ufeff\ufffe\uffff"))
        .isEqualTo("\"\\u0000\\u0007\\u001B\\u007F\\u0085\\u2028\\u2029\\uFEFF\\uFFFE\\uFFFF\"");
    assertThat(YamlScalars.quote("caf\u00e9 \ud83d\ude00 \u4e2d"))
        .isEqualTo("\"caf\u00e9 \ud83d\ude00 \u4e2d\"");
    assertThat(YamlScalars.quote("lone\ud800 \udc00")).isEqualTo("\"lone\\uD800 \\uDC00\"");
  }

  @ParameterizedTest
  @CsvSource({
    "1.0, 1.0",
    "-0.0, -0.0",
    "0.1, 0.1",
    "1e22, 1.0e+22",
    "1.5e-7, 1.5e-7",
    "123456.789, 123456.789",
    "4.9E-324, 4.9e-324",
    "1.7976931348623157E308, 1.7976931348623157e+308",
  })
  void floatsAlwaysHaveADotAndASignedExponent(double d, String expected) {
    assertThat(YamlScalars.floating(d)).isEqualTo(expected);
  }

  @Test
  void specialFloats() {
    assertThat(YamlScalars.floating(Double.NaN)).isEqualTo(".nan");
    assertThat(YamlScalars.floating(Double.POSITIVE_INFINITY)).isEqualTo(".inf");
    assertThat(YamlScalars.floating(Double.NEGATIVE_INFINITY)).isEqualTo("-.inf");
  }
}
