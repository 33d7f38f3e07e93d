package org.warehouse.agent.attributes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The merged attribute tree of one converge, with the provenance of every entry. Immutable. Holds
 * {@link SecretRef}s, never secret values, so printing it is safe.
 */
public final class MergedAttributes {
  private static final int MAX_KEYS_SHOWN = 20;

  private final Map<String, Object> tree;
  private final Map<List<String>, List<Setting>> settings;

  MergedAttributes(Map<String, Object> tree, Map<List<String>, List<Setting>> settings) {
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) Values.frozen(tree);
    this.tree = frozen;
    Map<List<String>, List<Setting>> copy = new LinkedHashMap<>();
    for (Map.Entry<List<String>, List<Setting>> e : settings.entrySet()) {
      copy.put(List.copyOf(e.getKey()), List.copyOf(e.getValue()));
    }
    this.settings = copy;
  }

  /** The whole merged tree (unmodifiable; maps keep the order keys were first set in). */
  public Map<String, Object> tree() {
    return tree;
  }

  /**
   * The value at {@code dottedKey} (e.g. {@code warehouse.config}): a map, list or scalar. An empty
   * key is the whole tree. Keys that contain dots cannot be addressed this way; use {@link
   * #lookup(List)}.
   *
   * @throws AttributeException saying which part is missing, e.g. {@code attribute
   *     'warehouse.config' not found: 'warehouse' has no key 'config' (keys: a, b)}
   */
  public Object lookup(String dottedKey) {
    return lookup(split(dottedKey));
  }

  /** The value at {@code path}, one key per element. */
  public Object lookup(List<String> path) {
    Object node = tree;
    for (int i = 0; i < path.size(); i++) {
      String key = path.get(i);
      if (!(node instanceof Map<?, ?> map)) {
        throw new AttributeException(
            "attribute '"
                + Values.dotted(path)
                + "' not found: '"
                + Values.dotted(path.subList(0, i))
                + "' is a "
                + Values.typeName(node)
                + ", not a map");
      }
      if (!map.containsKey(key)) {
        String parent =
            i == 0
                ? "there is no top-level key '" + key + "'"
                : "'" + Values.dotted(path.subList(0, i)) + "' has no key '" + key + "'";
        throw new AttributeException(
            "attribute '" + Values.dotted(path) + "' not found: " + parent + " " + keys(map));
      }
      node = map.get(key);
    }
    return node;
  }

  /** The map at {@code dottedKey}; an error if it is missing or not a map. */
  public Map<String, Object> lookupMap(String dottedKey) {
    Object value = lookup(dottedKey);
    if (!(value instanceof Map)) {
      throw new AttributeException(
          "attribute '" + dottedKey + "' is a " + Values.typeName(value) + ", not a map");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return map;
  }

  /** Which levels set {@code dottedKey} and which won; an error if it is missing. */
  public Explanation explain(String dottedKey) {
    List<String> path = split(dottedKey);
    Object value = lookup(path);
    if (path.isEmpty()) {
      return new Explanation("(top level)", List.of(), true);
    }
    return new Explanation(Values.dotted(path), settings.get(path), value instanceof Map);
  }

  /** The explanation of every leaf (every entry that is not a non-empty map), in tree order. */
  public List<Explanation> explainAll() {
    List<Explanation> out = new ArrayList<>();
    settings.forEach(
        (path, s) -> {
          Object value = lookup(path);
          if (!(value instanceof Map<?, ?> m) || m.isEmpty()) {
            out.add(new Explanation(Values.dotted(path), s, false));
          }
        });
    return out;
  }

  private static List<String> split(String dottedKey) {
    if (dottedKey == null || dottedKey.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(dottedKey.split("\\.", -1));
  }

  private static String keys(Map<?, ?> map) {
    if (map.isEmpty()) {
      return "(it is empty)";
    }
    TreeSet<String> sorted = new TreeSet<>();
    map.keySet().forEach(k -> sorted.add(String.valueOf(k)));
    List<String> shown =
        new ArrayList<>(sorted).subList(0, Math.min(sorted.size(), MAX_KEYS_SHOWN));
    return "(keys: "
        + String.join(", ", shown)
        + (sorted.size() > MAX_KEYS_SHOWN ? ", ... " + sorted.size() + " in all" : "")
        + ")";
  }

  /** The tree in Java's map notation, secrets as {@code <secret:NAME>}. */
  @Override
  public String toString() {
    return tree.toString();
  }
}
