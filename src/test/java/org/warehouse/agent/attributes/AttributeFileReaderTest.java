package org.warehouse.agent.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AttributeFileReaderTest {
  @TempDir Path dir;
  private final AttributeFileReader reader = new AttributeFileReader();

  private Object yamlValue(String scalar) {
    return reader.parseYaml("v: " + scalar + "\n", "t.yml").values().get("v");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "no",
        "yes",
        "on",
        "off",
        "y",
        "n",
        "No",
        "YES",
        "On",
        "OFF",
        "0755",
        "0x1F",
        "0o17",
        "1_000",
        "1:30",
        "1e3",
        "1.5e3",
        "2018-09-14",
        "2018-09-14 10:00:00",
        "=",
        "<<x",
        "-.5",
        "inf",
        "nan",
        "1.2.3",
        "18.09.01",
        "tRUE",
        "nULL",
        "0b101",
        "+0x1F",
        "00"
      })
  void unquotedScalarsThatYaml11And12ReadDifferentlyStayStrings(String scalar) {
    assertThat(yamlValue(scalar)).isEqualTo(scalar);
  }

  @Test
  void unquotedScalarsBothVersionsAgreeOnAreTyped() {
    assertThat(yamlValue("true")).isEqualTo(true);
    assertThat(yamlValue("True")).isEqualTo(true);
    assertThat(yamlValue("FALSE")).isEqualTo(false);
    assertThat(yamlValue("~")).isNull();
    assertThat(yamlValue("null")).isNull();
    assertThat(yamlValue("NULL")).isNull();
    assertThat(yamlValue("")).isNull();
    assertThat(yamlValue("42")).isEqualTo(42L);
    assertThat(yamlValue("-7")).isEqualTo(-7L);
    assertThat(yamlValue("+3")).isEqualTo(3L);
    assertThat(yamlValue("0")).isEqualTo(0L);
    assertThat(yamlValue("123456789012345678901234567890"))
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(yamlValue("1.5")).isEqualTo(1.5);
    assertThat(yamlValue("2.")).isEqualTo(2.0);
    assertThat(yamlValue(".5")).isEqualTo(0.5);
    assertThat(yamlValue("1.0e+3")).isEqualTo(1000.0);
    assertThat(yamlValue("-1.5E-2")).isEqualTo(-0.015);
    assertThat(yamlValue(".inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(yamlValue("-.inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat((Double) yamlValue(".nan")).isNaN();
  }

  @Test
  void quotedScalarsAndStrTagsAreStrings() {
    assertThat(yamlValue("'0755'")).isEqualTo("0755");
    assertThat(yamlValue("\"true\"")).isEqualTo("true");
    assertThat(yamlValue("'~'")).isEqualTo("~");
    assertThat(yamlValue("!!str 42")).isEqualTo("42");
    assertThat(yamlValue("!!int 42")).isEqualTo(42L);
    assertThat(yamlValue("!!float 1")).isEqualTo(1.0);
    assertThat(yamlValue("!!bool true")).isEqualTo(true);
    assertThat(yamlValue("\"line\\nbreak\\u00e9\"")).isEqualTo("line\nbreak\u00e9");
  }

  static Stream<Arguments> notPlainData() {
    return Stream.of(
        Arguments.of("v: !!python/object:os.system x", "tag"),
        Arguments.of("v: !!binary aGVsbG8=", "unsupported tag"),
        Arguments.of("v: !!timestamp 2018-09-14", "unsupported tag"),
        Arguments.of("v: !custom x", "unsupported tag"),
        Arguments.of("v: !!set {a: null}", "unsupported tag"),
        Arguments.of("v: !!int 0755", "not a decimal integer"),
        Arguments.of("v: !!bool yes", "not true or false"),
        Arguments.of("v: !secret [a]", "needs a scalar secret name"),
        Arguments.of("v: !secret ../etc/shadow", "invalid secret name"),
        Arguments.of("v: {$secret: 12}", "needs a string NAME"),
        Arguments.of("base: &b {a: 1}\nv:\n  <<: *b", "merge keys"),
        Arguments.of("80: http", "keys must be strings"),
        Arguments.of("? [a, b]\n: x", "keys must be strings"),
        Arguments.of("- a", "top level must be a map"));
  }

  @ParameterizedTest
  @MethodSource("notPlainData")
  void refusesWhatIsNotPlainData(String yaml, String message) {
    assertThatThrownBy(() -> reader.parseYaml(yaml, "x.yml"))
        .isInstanceOf(AttributeException.class)
        .hasMessageStartingWith("x.yml:")
        .hasMessageContaining(message);
  }

  @Test
  void secretReferencesInBothSyntaxes() {
    Map<String, Object> v =
        reader
            .parseYaml("a: !secret db_password\nb: {$secret: api.key}\nc: {secret: x}\n", "s.yml")
            .values();
    assertThat(v.get("a")).isEqualTo(new SecretRef("db_password"));
    assertThat(v.get("b")).isEqualTo(new SecretRef("api.key"));
    assertThat(v.get("c")).isEqualTo(Map.of("secret", "x"));
    assertThat(v.get("a")).hasToString("<secret:db_password>");
    Map<String, Object> j =
        reader
            .parseJson("{\"a\": {\"$secret\": \"db\"}, \"b\": [{\"$secret\": \"c\"}]}", "s.json")
            .values();
    assertThat(j.get("a")).isEqualTo(new SecretRef("db"));
    assertThat(j.get("b")).isEqualTo(List.of(new SecretRef("c")));
  }

  @Test
  void keepsLineAndColumnOfEveryEntry() {
    AttributeDocument doc =
        reader.parseYaml("# c\nwarehouse:\n  config:\n    database: x\n  list: [1, 2]\n", "f.yml");
    assertThat(doc.location(List.of("warehouse"))).isEqualTo(new Location("f.yml", 2, 1));
    assertThat(doc.location(List.of("warehouse", "config", "database")))
        .isEqualTo(new Location("f.yml", 4, 5));
    assertThat(doc.location(List.of("warehouse", "list"))).hasToString("f.yml:5:3");
    assertThat(doc.location(List.of("warehouse", "config", "database", "deeper")))
        .isEqualTo(new Location("f.yml", 4, 5));
    AttributeDocument json = reader.parseJson("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n", "f.json");
    assertThat(json.location(List.of("a", "b"))).isEqualTo(new Location("f.json", 3, 5));
  }

  @Test
  void syntaxErrorsCiteFileLineAndColumn() {
    assertThatThrownBy(() -> reader.parseYaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yml"))
        .isInstanceOf(AttributeException.class)
        .hasMessageMatching("bad\\.yml:\\d+:\\d+: .*")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> reader.parseYaml("a: 1\n  b: 2\n", "bad.yml"))
        .hasMessageStartingWith("bad.yml:2:4: mapping values are not allowed here");
    assertThatThrownBy(() -> reader.parseJson("{\"a\": 1,\n \"b\": }", "bad.json"))
        .hasMessageStartingWith("bad.json:2:7: ");
    assertThatThrownBy(() -> reader.parseYaml("a: 1\n---\nb: 2\n", "two.yml"))
        .hasMessageStartingWith("two.yml:")
        .hasMessageContaining("single document");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> reader.parseYaml("a: 1\nb: 2\na: 3\n", "d.yml"))
        .hasMessage("d.yml:3:1: duplicate key 'a' (first at line 1)");
    assertThatThrownBy(() -> reader.parseYaml("x:\n  a: 1\n  'a': 2\n", "d.yml"))
        .hasMessageContaining("duplicate key 'a'");
    assertThatThrownBy(() -> reader.parseJson("{\"a\": 1,\n \"a\": 2}", "d.json"))
        .hasMessageStartingWith("d.json:2:")
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void billionLaughsFailsFast() {
    StringBuilder sb = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      sb.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        sb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      sb.append("]\n");
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> reader.parseYaml(sb.toString(), "lol.yml"))
        .isInstanceOf(AttributeException.class)
        .hasMessageStartingWith("lol.yml: too many aliases");
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void aliasesWithinTheLimitExpandButTheValueCountIsBounded() {
    Map<String, Object> v = reader.parseYaml("a: &x {k: 1}\nb: *x\n", "ok.yml").values();
    assertThat(v.get("b")).isEqualTo(Map.of("k", 1L));
    AttributeFileReader small = new AttributeFileReader(new AttributeLimits(1 << 20, 20, 64, 50));
    StringBuilder sb = new StringBuilder("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [");
    for (int i = 0; i < 10; i++) {
      sb.append(i == 0 ? "" : ", ").append("*a");
    }
    assertThatThrownBy(() -> small.parseYaml(sb.append("]\n").toString(), "many.yml"))
        .hasMessageContaining("more than 50 values");
  }

  @Test
  void recursiveAliasesAreRefused() {
    assertThatThrownBy(() -> reader.parseYaml("a: &a [1, *a]\n", "r.yml"))
        .hasMessageContaining("refers to itself");
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
    assertThatThrownBy(() -> reader.parseYaml(deep, "deep.yml"))
        .hasMessageStartingWith("deep.yml")
        .hasMessageContaining("deeper than 64");
    String deepJson = "{\"a\": " + "[".repeat(200) + "]".repeat(200) + "}";
    assertThatThrownBy(() -> reader.parseJson(deepJson, "deep.json"))
        .hasMessageStartingWith("deep.json")
        .hasMessageContaining("64");
  }

  @Test
  void hugeFileIsRefusedBeforeReading() throws IOException {
    Path big = dir.resolve("big.yml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(100L << 20); // sparse: no disk used, and nothing is read
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> reader.read(big))
        .hasMessage(
            big
                + ": attribute file is 104857600 bytes, larger than the limit of 4194304 bytes;"
                + " refusing to read it");
    assertThat(System.nanoTime() - start).isLessThan(500_000_000L);
  }

  @Test
  void unreadableFilesAreNamed() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub.yml"));
    assertThatThrownBy(() -> reader.read(sub))
        .hasMessage(sub + ": cannot read attribute file: not a regular file");
    assertThatThrownBy(() -> reader.read(dir.resolve("missing.yml")))
        .hasMessage(dir.resolve("missing.yml") + ": cannot read attribute file: no such file");
    Path txt = Files.writeString(dir.resolve("a.txt"), "a: 1");
    assertThatThrownBy(() -> reader.read(txt)).hasMessageContaining("unsupported attribute file");
    Path latin1 = dir.resolve("l.yml");
    Files.write(latin1, "a: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> reader.read(latin1))
        .hasMessage(latin1 + ": attribute file is not valid UTF-8");
  }

  @Test
  void readsFilesByExtensionAndEmptyFilesAsEmpty() throws IOException {
    Path y = Files.writeString(dir.resolve("a.YAML"), "\uFEFFa: 1\n");
    Path j = Files.writeString(dir.resolve("b.json"), "{\"a\": [1, 1.0, \"x\", true, null]}");
    Path e = Files.writeString(dir.resolve("c.yml"), "# only a comment\n");
    assertThat(reader.read(y).values()).isEqualTo(Map.of("a", 1L));
    assertThat(reader.read(j).values().get("a")).isEqualTo(Arrays.asList(1L, 1.0, "x", true, null));
    assertThat(reader.read(e).values()).isEmpty();
    assertThat(reader.parseJson("", "x.json").values()).isEmpty();
  }

  @Test
  void jsonMustBeOneObject() {
    assertThatThrownBy(() -> reader.parseJson("[1]", "a.json"))
        .hasMessage("a.json:1:1: the top level must be a JSON object");
    assertThatThrownBy(() -> reader.parseJson("{} {}", "a.json"))
        .hasMessageContaining("unexpected content after the top-level object");
  }

  @Test
  void keepsKeyOrder() {
    Map<String, Object> v = reader.parseYaml("z: 1\na: 2\nm: 3\n", "o.yml").values();
    assertThat(v.keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void expandsDirectoriesInNameOrder() throws IOException {
    Path d = Files.createDirectory(dir.resolve("attributes.d"));
    for (String n :
        List.of("20-b.yml", "10-a.json", "30-c.yaml", "README", ".hidden.yml", "x.yml.dpkg-old")) {
      Files.writeString(d.resolve(n), "{}");
    }
    Path extra = Files.writeString(dir.resolve("node.json"), "{}");
    assertThat(AttributeFileReader.expand(List.of(d, extra)))
        .containsExactly(
            d.resolve("10-a.json"), d.resolve("20-b.yml"), d.resolve("30-c.yaml"), extra);
    assertThatThrownBy(() -> AttributeFileReader.expand(List.of(dir.resolve("nope.d"))))
        .hasMessage(dir.resolve("nope.d") + ": attribute file or directory does not exist");
  }
}
