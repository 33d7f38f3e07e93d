package org.warehouse.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The agent.yml reference of configuration.md is the code's: every key SettingsLoader accepts is in
 * it, it names no key the loader refuses, and the example itself is a valid agent.yml; so is the
 * README's minimal configuration.
 */
class ConfigurationReferenceTest {
  private static final Path CONFIGURATION = Path.of("src/site/markdown/configuration.md");

  /** The first ```yaml block after {@code heading} in {@code doc}. */
  private static String yamlBlock(Path doc, String heading) throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int section = text.indexOf("\n" + heading + "\n");
    assertThat(section).as("%s section '%s'", doc, heading).isPositive();
    int start = text.indexOf("```yaml\n", section);
    int end = text.indexOf("\n```", start + 8);
    assertThat(start).as("a ```yaml block in that section").isPositive();
    return text.substring(start + 8, end + 1);
  }

  private static String referenceBlock() throws IOException {
    return yamlBlock(CONFIGURATION, "## agent.yml");
  }

  /** Keys by section, named as {@link SettingsLoader#KEYS} names them (one level deep). */
  private static Map<String, Set<String>> keysOf(Map<?, ?> top) {
    Map<String, Set<String>> out = new TreeMap<>();
    out.put("", names(top));
    top.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> m) {
            out.put(key.toString(), names(m));
            // A mapping inside a section (rollout.database) is a section of its own.
            m.forEach(
                (sub, inner) -> {
                  if (inner instanceof Map<?, ?> nested && !nested.isEmpty()) {
                    out.put(key + "." + sub, names(nested));
                  }
                });
          } else if (value instanceof List<?> list && !list.isEmpty()) {
            Set<String> union = new TreeSet<>();
            for (Object item : list) {
              if (item instanceof Map<?, ?> m) {
                union.addAll(names(m));
              }
            }
            if (!union.isEmpty()) {
              out.put(key + "[]", union);
            }
          }
        });
    return out;
  }

  private static Set<String> names(Map<?, ?> m) {
    Set<String> out = new TreeSet<>();
    m.keySet().forEach(k -> out.add(k.toString()));
    return out;
  }

  @Test
  void theReferenceNamesExactlyTheKeysTheLoaderAccepts() throws IOException {
    Map<?, ?> reference = new Yaml().load(referenceBlock());

    Map<String, Set<String>> documented = keysOf(reference);

    Map<String, Set<String>> accepted = new TreeMap<>();
    SettingsLoader.KEYS.forEach((section, keys) -> accepted.put(section, new TreeSet<>(keys)));
    assertThat(documented).isEqualTo(accepted);
  }

  @Test
  void theReferenceIsAValidAgentYml(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.yml");
    Files.writeString(file, referenceBlock(), StandardCharsets.UTF_8);

    Settings s = SettingsLoader.load(file);

    assertThat(s.repositories()).hasSize(1);
    assertThat(s.packages()).hasSize(1);
  }

  @Test
  void theReadmesMinimalConfigurationIsAValidAgentYml(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.yml");
    Files.writeString(
        file,
        yamlBlock(Path.of("README.md"), "## A minimal configuration"),
        StandardCharsets.UTF_8);

    Settings s = SettingsLoader.load(file);

    assertThat(s.repositories()).hasSize(1);
    assertThat(s.packages()).hasSize(1);
    assertThat(s.configFiles()).hasSize(1);
    assertThat(s.services()).hasSize(1);
  }
}
