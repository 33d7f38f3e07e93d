package org.warehouse.agent.attributes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges documents lowest level first: maps merge deeply, any other value (lists included) replaces
 * the lower one; a map at one level against a non-map at another is an error naming both.
 */
final class AttributeMerger {
  private final Map<String, Object> tree = new LinkedHashMap<>();
  private final Map<List<String>, List<Setting>> settings = new LinkedHashMap<>();

  /** Merges {@code doc}, set at {@code level}, over everything merged so far. */
  void merge(AttributeLevel level, AttributeDocument doc) {
    mergeMap(tree, doc.values(), new ArrayList<>(), level, doc);
  }

  MergedAttributes result() {
    return new MergedAttributes(tree, settings);
  }

  private void mergeMap(
      Map<String, Object> target,
      Map<String, Object> source,
      List<String> path,
      AttributeLevel level,
      AttributeDocument doc) {
    for (Map.Entry<String, Object> e : source.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      path.add(key);
      List<String> at = List.copyOf(path);
      Setting setting = new Setting(level, doc.location(at));
      if (target.containsKey(key)) {
        Object old = target.get(key);
        boolean oldIsMap = old instanceof Map;
        if (oldIsMap != value instanceof Map) {
          List<Setting> before = settings.get(at);
          throw new AttributeException(
              "type conflict for attribute '"
                  + Values.dotted(at)
                  + "': a "
                  + Values.typeName(old)
                  + " in "
                  + before.get(before.size() - 1)
                  + " but a "
                  + Values.typeName(value)
                  + " in "
                  + setting
                  + " (maps merge only with maps)");
        }
        settings.get(at).add(setting);
        if (oldIsMap) {
          @SuppressWarnings("unchecked")
          Map<String, Object> oldMap = (Map<String, Object>) old;
          @SuppressWarnings("unchecked")
          Map<String, Object> newMap = (Map<String, Object>) value;
          mergeMap(oldMap, newMap, path, level, doc);
        } else {
          target.put(key, Values.mutableCopy(value));
        }
      } else {
        target.put(key, Values.mutableCopy(value));
        record(at, value, level, doc);
      }
      path.remove(path.size() - 1);
    }
  }

  /** Records {@code level} as setting {@code path} and every map entry below it. */
  private void record(
      List<String> path, Object value, AttributeLevel level, AttributeDocument doc) {
    List<Setting> at = settings.get(path);
    if (at == null) {
      at = new ArrayList<>();
      settings.put(path, at);
    }
    at.add(new Setting(level, doc.location(path)));
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        List<String> child = new ArrayList<>(path);
        child.add((String) e.getKey());
        record(List.copyOf(child), e.getValue(), level, doc);
      }
    }
  }
}
