package org.warehouse.agent.attributes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The attributes of one source (a file, or an inline map) as a value tree, with the location of
 * every map entry so that merge errors and explanations can cite {@code file:line}.
 *
 * <p>Values are plain Java: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Long} or {@code BigInteger}, {@code Double}, {@code Boolean}, {@code null}
 * and {@link SecretRef}.
 */
public final class AttributeDocument {
  private final String source;
  private final Map<String, Object> values;
  private final Map<List<String>, Location> locations;

  AttributeDocument(
      String source, Map<String, Object> values, Map<List<String>, Location> locations) {
    this.source = Objects.requireNonNull(source, "source");
    this.values = Collections.unmodifiableMap(values);
    this.locations = Collections.unmodifiableMap(new LinkedHashMap<>(locations));
  }

  /** An inline map (e.g. {@code attributes.default} of agent.yml) labelled {@code source}. */
  public static AttributeDocument inline(String source, Map<String, ?> values) {
    return new AttributeDocument(source, Values.normalizeRoot(values, source), Map.of());
  }

  /** The file path or label this document came from. */
  public String source() {
    return source;
  }

  /** The top-level map; do not modify. */
  public Map<String, Object> values() {
    return values;
  }

  /** Where the entry at {@code path} was written, or the nearest enclosing entry, or the source. */
  public Location location(List<String> path) {
    for (int n = path.size(); n > 0; n--) {
      Location l = locations.get(path.subList(0, n));
      if (l != null) {
        return l;
      }
    }
    return locations.getOrDefault(List.of(), Location.of(source));
  }

  Map<List<String>, Location> locations() {
    return locations;
  }

  @Override
  public String toString() {
    return "AttributeDocument[" + source + ", keys=" + values.keySet() + "]";
  }
}
