package org.warehouse.agent.attributes;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a file's document into precedence levels, accepting a Chef node JSON as is.
 *
 * <p>A document is a Chef node when its top level has a map under {@code default}, {@code normal},
 * {@code override}, {@code automatic}, {@code force_default} or {@code force_override}, or has
 * {@code json_class: Chef::Node} or {@code chef_type: node}. Then {@code default} and {@code
 * force_default} go to the default level, {@code normal} to normal, {@code override} and {@code
 * force_override} to override; {@code automatic} is ignored (the agent gathers its own facts; a
 * node's are a stale snapshot from another host run); {@code name}, {@code chef_environment},
 * {@code json_class}, {@code chef_type}, {@code run_list}, {@code policy_name} and {@code
 * policy_group} are metadata and dropped; any other top-level key is an error. Otherwise the whole
 * document is normal attributes, minus a top-level {@code run_list} (as {@code chef-client -j}
 * does).
 */
final class ChefNodeLayout {
  private static final Set<String> LEVEL_KEYS =
      Set.of("default", "normal", "override", "automatic", "force_default", "force_override");
  private static final Set<String> METADATA_KEYS =
      Set.of(
          "name",
          "chef_environment",
          "json_class",
          "chef_type",
          "run_list",
          "policy_name",
          "policy_group");

  private ChefNodeLayout() {}

  static boolean isChefNode(Map<String, Object> top) {
    for (String k : LEVEL_KEYS) {
      if (top.get(k) instanceof Map) {
        return true;
      }
    }
    return "Chef::Node".equals(top.get("json_class")) || "node".equals(top.get("chef_type"));
  }

  /** The sections of {@code doc} by level; a level with no section is absent. */
  static Map<AttributeLevel, List<AttributeDocument>> split(AttributeDocument doc) {
    Map<AttributeLevel, List<AttributeDocument>> out = new EnumMap<>(AttributeLevel.class);
    Map<String, Object> top = doc.values();
    if (!isChefNode(top)) {
      Map<String, Object> plain = new LinkedHashMap<>(top);
      plain.remove("run_list");
      out.put(
          AttributeLevel.NORMAL,
          List.of(new AttributeDocument(doc.source(), plain, doc.locations())));
      return out;
    }
    for (String key : top.keySet()) {
      if (!LEVEL_KEYS.contains(key) && !METADATA_KEYS.contains(key)) {
        throw new AttributeException(
            doc.location(List.of(key))
                + ": unexpected top-level key '"
                + Printable.of(key, 80)
                + "' in a Chef node document (expected default, normal, override, automatic,"
                + " force_default, force_override, run_list, name, chef_environment)");
      }
    }
    add(out, AttributeLevel.DEFAULT, doc, "default");
    add(out, AttributeLevel.DEFAULT, doc, "force_default");
    add(out, AttributeLevel.NORMAL, doc, "normal");
    add(out, AttributeLevel.OVERRIDE, doc, "override");
    add(out, AttributeLevel.OVERRIDE, doc, "force_override");
    return out;
  }

  private static void add(
      Map<AttributeLevel, List<AttributeDocument>> out,
      AttributeLevel level,
      AttributeDocument doc,
      String key) {
    Object section = doc.values().get(key);
    if (section == null) {
      return;
    }
    if (!(section instanceof Map)) {
      throw new AttributeException(
          doc.location(List.of(key))
              + ": '"
              + key
              + "' in a Chef node document must be a map, not a "
              + Values.typeName(section));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> values = (Map<String, Object>) section;
    Map<List<String>, Location> locations = new LinkedHashMap<>();
    for (Map.Entry<List<String>, Location> e : doc.locations().entrySet()) {
      List<String> path = e.getKey();
      if (path.size() > 1 && path.get(0).equals(key)) {
        locations.put(List.copyOf(path.subList(1, path.size())), e.getValue());
      }
    }
    locations.put(List.of(), doc.location(List.of(key)));
    out.computeIfAbsent(level, l -> new ArrayList<>())
        .add(new AttributeDocument(doc.source(), values, locations));
  }
}
