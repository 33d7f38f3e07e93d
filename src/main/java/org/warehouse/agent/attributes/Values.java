package org.warehouse.agent.attributes;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks, copies and describes attribute value trees. */
final class Values {
  /** The key of the one-key map form of a secret reference. */
  static final String SECRET_KEY = "$secret";

  private Values() {}

  /** A type name for error messages: map, list, string, integer, float, boolean, null, secret. */
  static String typeName(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof Map) {
      return "map";
    } else if (value instanceof List) {
      return "list";
    } else if (value instanceof String) {
      return "string";
    } else if (value instanceof Boolean) {
      return "boolean";
    } else if (value instanceof Double || value instanceof Float) {
      return "float";
    } else if (value instanceof Number) {
      return "integer";
    } else if (value instanceof SecretRef) {
      return "secret";
    }
    return value.getClass().getSimpleName();
  }

  /** Joins a key path with dots for messages; the root is {@code (top level)}. */
  static String dotted(List<String> path) {
    return path.isEmpty() ? "(top level)" : String.join(".", path);
  }

  /**
   * If {@code map} is the one-key form {@code {"$secret": NAME}}, the reference; otherwise null.
   */
  static SecretRef secretOrNull(Map<String, ?> map, String where) {
    if (map.size() != 1 || !map.containsKey(SECRET_KEY)) {
      return null;
    }
    Object name = map.get(SECRET_KEY);
    if (name instanceof String s) {
      return new SecretRef(s);
    }
    throw new AttributeException(
        where + ": {\"$secret\": NAME} needs a string NAME, not a " + typeName(name));
  }

  /** A checked, mutable deep copy of an inline top-level map, with Java numbers normalized. */
  static Map<String, Object> normalizeRoot(Map<String, ?> values, String source) {
    if (values == null) {
      return new LinkedHashMap<>();
    }
    Object copy =
        normalize(
            values, new ArrayList<>(), source, Collections.newSetFromMap(new IdentityHashMap<>()));
    if (!(copy instanceof Map)) {
      throw new AttributeException(source + ": top level must be a map, not a secret reference");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) copy;
    return map;
  }

  private static Object normalize(
      Object value, List<String> path, String source, Set<Object> active) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof SecretRef
        || value instanceof Long
        || value instanceof Double) {
      return value;
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    } else if (value instanceof Float f) {
      return f.doubleValue();
    } else if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    } else if (value instanceof Map || value instanceof List) {
      if (!active.add(value)) {
        throw new AttributeException(source + ": '" + dotted(path) + "' contains itself");
      }
      try {
        return value instanceof Map<?, ?> m
            ? normalizeMap(m, path, source, active)
            : normalizeList((List<?>) value, path, source, active);
      } finally {
        active.remove(value);
      }
    }
    throw new AttributeException(
        source
            + ": '"
            + dotted(path)
            + "' has unsupported type "
            + value.getClass().getName()
            + " (use maps, lists, strings, numbers, booleans, null or secrets)");
  }

  private static Object normalizeMap(
      Map<?, ?> map, List<String> path, String source, Set<Object> active) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new AttributeException(
            source
                + ": '"
                + dotted(path)
                + "' has a key that is a "
                + typeName(e.getKey())
                + ", not a string");
      }
      path.add(key);
      out.put(key, normalize(e.getValue(), path, source, active));
      path.remove(path.size() - 1);
    }
    SecretRef secret = secretOrNull(out, source + ": '" + dotted(path) + "'");
    return secret != null ? secret : out;
  }

  private static List<Object> normalizeList(
      List<?> list, List<String> path, String source, Set<Object> active) {
    List<Object> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      path.add("[" + i + "]");
      out.add(normalize(list.get(i), path, source, active));
      path.remove(path.size() - 1);
    }
    return out;
  }

  /** A deep copy whose maps and lists are unmodifiable (scalars are immutable already). */
  static Object frozen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put((String) e.getKey(), frozen(e.getValue()));
      }
      return Collections.unmodifiableMap(out);
    } else if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(frozen(o));
      }
      return Collections.unmodifiableList(out);
    }
    return value;
  }

  /** A deep copy with mutable maps and lists, for the merger to build on. */
  static Object mutableCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put((String) e.getKey(), mutableCopy(e.getValue()));
      }
      return out;
    } else if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(mutableCopy(o));
      }
      return out;
    }
    return value;
  }
}
