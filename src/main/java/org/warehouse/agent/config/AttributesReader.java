package org.warehouse.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads agent.yml's {@code attributes} mapping: inline defaults and overrides, attribute files. */
final class AttributesReader {
  static final Set<String> KEYS = Set.of("default", "files", "override");

  private static final String DEFAULT_FILES = "/etc/warehouse-agent/attributes.d";

  private AttributesReader() {}

  static Settings.Attributes read(YamlMap top) throws ConfigException {
    YamlMap a = top.map("attributes");
    if (a == null) {
      return new Settings.Attributes(Map.of(), List.of(Path.of(DEFAULT_FILES)), Map.of());
    }
    a.allowOnly(KEYS);
    List<Path> files = new ArrayList<>();
    for (String f : a.stringList("files", List.of(DEFAULT_FILES))) {
      Path p = Path.of(f);
      if (!p.isAbsolute()) {
        throw a.error(a.node("files"), "attributes.files", "'" + f + "' is not an absolute path");
      }
      files.add(p.normalize());
    }
    return new Settings.Attributes(
        inlineMap(a, "default"), List.copyOf(files), inlineMap(a, "override"));
  }

  private static Map<String, Object> inlineMap(YamlMap a, String key) throws ConfigException {
    if (!a.has(key)) {
      return Map.of();
    }
    Node n = a.node(key);
    if (!(n instanceof MappingNode)) {
      throw a.error(n, a.child(key), "expected a mapping, found " + YamlMap.describe(n));
    }
    Object value = InlineValues.toValue(n);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
