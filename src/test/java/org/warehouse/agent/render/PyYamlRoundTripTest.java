package org.warehouse.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.attributes.AttributeFileReader;
import org.warehouse.agent.attributes.AttributeLimits;
import org.warehouse.agent.attributes.SecretRef;

/**
 * Renders thousands of awkward values and has PyYAML itself ({@code yaml.safe_load}, what Warehouse
 * uses) read them back: every value and type must come back exactly.
 */
class PyYamlRoundTripTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  /**
   * Loads stdin with {@code yaml.safe_load} and prints it as JSON in a tagged form that keeps every
   * Python type and every string exactly (lone surrogates included, which plain JSON parsers
   * refuse): strings as UTF-16 hex, ints as decimal text, floats as {@code float.hex()}.
   */
  private static final String READ_BACK =
      """
      import yaml, json, sys
      def enc(v):
          if v is None: return {"n": None}
          if isinstance(v, bool): return {"b": v}
          if isinstance(v, int): return {"i": str(v)}
          if isinstance(v, float):
              return {"f": v.hex() if v == v and abs(v) != float("inf") else repr(v)}
          if isinstance(v, str): return {"s": v.encode("utf-16-be", "surrogatepass").hex()}
          if isinstance(v, list): return {"l": [enc(x) for x in v]}
          if isinstance(v, dict): return {"m": [[enc(k), enc(x)] for k, x in v.items()]}
          return {"other": repr(type(v))}
      print(json.dumps(enc(yaml.safe_load(sys.stdin.buffer))))
      """;

  @TempDir Path dir;

  @Test
  void pyYamlReadsBackEveryValueExactly() throws Exception {
    requirePyYaml();
    Random random = new Random(20260914L);
    Map<String, Object> tree = new LinkedHashMap<>();
    Map<String, String> secretValues = new LinkedHashMap<>();
    AwkwardValues.fill(tree, random, secretValues);
    Map<String, Object> expected = AwkwardValues.resolveSecrets(tree, secretValues);
    int count = AwkwardValues.count(expected);

    RenderedFile rendered =
        new YamlRenderer("Managed by warehouse-agent\u2028: do not edit")
            .render(tree, ref -> secretValues.get(ref.name()));
    Object back = pyYamlLoad(rendered.content());

    String mismatch = AwkwardValues.mismatch(expected, back, "");
    assertThat(mismatch).as("PyYAML read back a different value").isNull();
    assertThat(rendered.redactedText()).doesNotContain(secretValues.get("s0"));
    System.out.println(
        "PyYAML round trip: "
            + count
            + " values checked ("
            + rendered.content().length
            + " bytes of YAML), all equal with their types");
  }

  @Test
  void theAgentsOwnLoaderReadsTheRenderBackToo() {
    Random random = new Random(7L);
    Map<String, Object> tree = new LinkedHashMap<>();
    Map<String, String> secretValues = new LinkedHashMap<>();
    AwkwardValues.fill(tree, random, secretValues);
    Map<String, Object> expected = AwkwardValues.resolveSecrets(tree, secretValues);
    RenderedFile rendered =
        new YamlRenderer("header").render(tree, ref -> secretValues.get(ref.name()));
    Map<String, Object> back =
        new AttributeFileReader(new AttributeLimits(64L << 20, 20, 64, 1_000_000))
            .parseYaml(new String(rendered.content(), StandardCharsets.UTF_8), "render")
            .values();
    assertThat(AwkwardValues.mismatch(expected, back, "")).isNull();
    System.out.println(
        "Own loader round trip: " + AwkwardValues.count(expected) + " values checked");
  }

  @Test
  void pyYamlReadsRedactedSecretsAsStrings() throws Exception {
    requirePyYaml();
    String shown =
        new YamlRenderer(null)
            .renderRedacted(
                Map.of("password", new SecretRef("db"), "l", List.of(new SecretRef("x"))));
    assertThat(pyYamlLoad(shown.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Map.of("password", "<secret:db>", "l", List.of("<secret:x>")));
  }

  private static void requirePyYaml() throws Exception {
    String reason = null;
    if (!Files.isExecutable(PYTHON)) {
      reason = PYTHON + " is missing";
    } else {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import yaml")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        reason = PYTHON + " has no yaml module (apt-get install python3-yaml): " + out.strip();
      }
    }
    if (reason != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("PyYAML round trip cannot run on CI: " + reason);
      }
      System.out.println("SKIPPED PyYAML round trip: " + reason);
      Assumptions.abort(reason);
    }
  }

  private Object pyYamlLoad(byte[] yaml) throws IOException, InterruptedException {
    Path in = Files.write(dir.resolve("in.yml"), yaml);
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", READ_BACK)
            .redirectInput(in.toFile())
            .redirectError(err.toFile())
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("python did not finish");
    }
    if (p.exitValue() != 0) {
      fail("PyYAML could not read the render: " + Files.readString(err));
    }
    return decode(JsonMapper.builder().build().readValue(out, Object.class));
  }

  /** Reverses the tagged form of {@link #READ_BACK}. */
  private static Object decode(Object json) {
    Map.Entry<?, ?> e = ((Map<?, ?>) json).entrySet().iterator().next();
    Object v = e.getValue();
    return switch ((String) e.getKey()) {
      case "n" -> null;
      case "b" -> v;
      case "i" -> new BigInteger((String) v);
      case "f" ->
          switch ((String) v) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble((String) v);
          };
      case "s" -> utf16Hex((String) v);
      case "l" -> {
        List<Object> list = new ArrayList<>();
        for (Object o : (List<?>) v) {
          list.add(decode(o));
        }
        yield list;
      }
      case "m" -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (Object o : (List<?>) v) {
          List<?> pair = (List<?>) o;
          map.put(decode(pair.get(0)), decode(pair.get(1)));
        }
        yield map;
      }
      default -> throw new AssertionError("PyYAML returned an unexpected type: " + v);
    };
  }

  private static String utf16Hex(String hex) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 4) {
      sb.append((char) Integer.parseInt(hex.substring(i, i + 4), 16));
    }
    return sb.toString();
  }

  /** Ensures the generator's integer normalisation is what the comparison expects. */
  @Test
  void comparisonDistinguishesTypes() {
    assertThat(AwkwardValues.mismatch(1L, BigInteger.ONE, "")).isNull();
    assertThat(AwkwardValues.mismatch(1L, 1.0, "")).isNotNull();
    assertThat(AwkwardValues.mismatch("1", BigInteger.ONE, "")).isNotNull();
    assertThat(AwkwardValues.mismatch(0.0, -0.0, "")).isNotNull();
    assertThat(AwkwardValues.mismatch(Double.NaN, Double.NaN, "")).isNull();
    assertThat(AwkwardValues.mismatch(List.of(1L), new ArrayList<>(List.of(BigInteger.ONE)), ""))
        .isNull();
    assertThat(AwkwardValues.mismatch(Map.of("a", true), Map.of("a", "true"), "")).isNotNull();
  }
}
