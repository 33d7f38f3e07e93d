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
 * The README's agent.yml reference is the code's: every key SettingsLoader accepts is in it, it
 * names no key the loader refuses, and the example itself is a valid agent.yml.
 */
class ReadmeReferenceTest {
  private static String referenceBlock() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int section = readme.indexOf("\n### agent.yml\n");
    assertThat(section).as("README section '### agent.yml'").isPositive();
    int start = readme.indexOf("```yaml\n", section);
    int end = readme.indexOf("\n```", start + 8);
    assertThat(start).as("a ```yaml block in that section").isPositive();
    return readme.substring(start + 8, end + 1);
  }

  /** Keys by section, named as {@link SettingsLoader#KEYS} names them (one level deep). */
  private static Map<String, Set<String>> keysOf(Map<?, ?> top) {
    Map<String, Set<String>> out = new TreeMap<>();
    out.put("", names(top));
    top.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> m) {
            out.put(key.toString(), names(m));
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
}
