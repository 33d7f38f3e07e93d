package org.warehouse.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** A YAML mapping node read key by key, with errors that cite file, line and key path. */
final class YamlMap {
  private final String file;
  private final String path;
  private final Node node;
  private final Map<String, Node> entries = new LinkedHashMap<>();
  private final Map<String, Node> keyNodes = new LinkedHashMap<>();

  YamlMap(String file, String path, Node node) throws ConfigException {
    this.file = file;
    this.path = path;
    this.node = node;
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path, "expected a mapping, found " + describe(node));
    }
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode key)) {
        throw error(t.getKeyNode(), path, "keys must be plain strings");
      }
      if (entries.containsKey(key.getValue())) {
        throw error(key, child(key.getValue()), "duplicate key");
      }
      entries.put(key.getValue(), t.getValueNode());
      keyNodes.put(key.getValue(), key);
    }
  }

  /** Fails on the first key not in {@code known}, suggesting the closest known key. */
  void allowOnly(Set<String> known) throws ConfigException {
    for (Map.Entry<String, Node> e : keyNodes.entrySet()) {
      if (!known.contains(e.getKey())) {
        String hint =
            known.stream()
                .min(Comparator.comparingInt(k -> Levenshtein.distance(k, e.getKey())))
                .filter(k -> Levenshtein.distance(k, e.getKey()) <= Math.max(2, k.length() / 3))
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse(
                    " (known keys: " + String.join(", ", known.stream().sorted().toList()) + ")");
        throw error(e.getValue(), child(e.getKey()), "unknown key" + hint);
      }
    }
  }

  boolean has(String key) {
    Node v = entries.get(key);
    return v != null && !isNull(v);
  }

  Node node(String key) {
    return entries.get(key);
  }

  String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  Node self() {
    return node;
  }

  String file() {
    return file;
  }

  /** A required or optional string scalar (YAML ints and bools are refused, not coerced). */
  String string(String key, String fallback) throws ConfigException {
    Node v = entries.get(key);
    if (v == null || isNull(v)) {
      if (fallback == null) {
        throw error(node, child(key), "missing required key");
      }
      return fallback;
    }
    if (!(v instanceof ScalarNode s) || !isStringLike(s)) {
      throw error(v, child(key), "expected a string, found " + describe(v));
    }
    return s.getValue();
  }

  /** A duration like {@code 30s}, {@code 5m} (see {@link Durations}). */
  Duration duration(String key, String fallback) throws ConfigException {
    String text = string(key, fallback);
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(has(key) ? node(key) : node, child(key), e.getMessage());
    }
  }

  /** An absolute, normalized path. */
  Path absolutePath(String key, String fallback) throws ConfigException {
    String text = string(key, fallback);
    Path p;
    try {
      p = Path.of(text);
    } catch (InvalidPathException e) {
      throw error(node(key), child(key), "not a path: " + e.getReason());
    }
    if (!p.isAbsolute()) {
      throw error(node(key), child(key), "'" + text + "' is not an absolute path");
    }
    if (!p.normalize().equals(p) || text.contains("/../") || text.endsWith("/..")) {
      throw error(node(key), child(key), "'" + text + "' is not a normalized path");
    }
    return p;
  }

  int integer(String key, int fallback) throws ConfigException {
    Node v = entries.get(key);
    if (v == null || isNull(v)) {
      return fallback;
    }
    if (!(v instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
      throw error(v, child(key), "expected an integer, found " + describe(v));
    }
    try {
      return Integer.parseInt(s.getValue());
    } catch (NumberFormatException e) {
      throw error(v, child(key), "expected a decimal integer, found '" + s.getValue() + "'");
    }
  }

  List<Node> list(String key) throws ConfigException {
    Node v = entries.get(key);
    if (v == null || isNull(v)) {
      return List.of();
    }
    if (!(v instanceof SequenceNode seq)) {
      throw error(v, child(key), "expected a list, found " + describe(v));
    }
    return seq.getValue();
  }

  List<String> stringList(String key, List<String> fallback) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    List<Node> items = list(key);
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      if (!(item instanceof ScalarNode s) || !isStringLike(s)) {
        throw error(item, child(key) + "[" + i + "]", "expected a string, found " + describe(item));
      }
      out.add(s.getValue());
    }
    return out;
  }

  YamlMap map(String key) throws ConfigException {
    Node v = entries.get(key);
    if (v == null || isNull(v)) {
      return null;
    }
    return new YamlMap(file, child(key), v);
  }

  ConfigException error(Node at, String keyPath, String message) {
    return new ConfigException(where(at) + ": " + keyPath + ": " + message);
  }

  String where(Node at) {
    return file + ":" + (at.getStartMark().getLine() + 1);
  }

  static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  // Plain scalars that happen to look like numbers (a version "18.09") are strings to us;
  // booleans are not, because `version: yes` is a mistake worth reporting.
  private static boolean isStringLike(ScalarNode s) {
    Tag t = s.getTag();
    return t.equals(Tag.STR) || t.equals(Tag.INT) || t.equals(Tag.FLOAT) || t.equals(Tag.TIMESTAMP);
  }

  static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) n;
    String kind =
        s.getTag().equals(Tag.BOOL)
            ? "a boolean"
            : s.getTag().equals(Tag.INT)
                ? "an integer"
                : s.getTag().equals(Tag.FLOAT)
                    ? "a number"
                    : s.getTag().equals(Tag.NULL) ? "null" : "a string";
    return kind + " '" + s.getValue() + "'";
  }
}
