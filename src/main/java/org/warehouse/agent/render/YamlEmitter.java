package org.warehouse.agent.render;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.attributes.SecretRef;
import org.warehouse.agent.attributes.SecretResolver;

/**
 * Walks a value tree and emits block-style YAML lines, 2-space indented, map keys sorted by code
 * point; empty maps and lists as {@code {}} and {@code []}; lists nested in lists and maps in lists
 * in the compact {@code - } form.
 */
final class YamlEmitter {
  /** PyYAML refuses implicit keys longer than 1024 characters: longer ones use {@code ? key}. */
  private static final int MAX_IMPLICIT_KEY = 1000;

  private final SecretResolver secrets;
  private final List<RenderedLine> lines = new ArrayList<>();
  private final Set<Object> active = Collections.newSetFromMap(new IdentityHashMap<>());

  /** {@code secrets} null: secrets are written as {@code <secret:NAME>} only. */
  YamlEmitter(SecretResolver secrets) {
    this.secrets = secrets;
  }

  List<RenderedLine> document(Object root) {
    block(root, 0, new ArrayList<>(), "");
    return lines;
  }

  private static boolean isBlock(Object v) {
    return (v instanceof Map<?, ?> m && !m.isEmpty()) || (v instanceof List<?> l && !l.isEmpty());
  }

  /** Emits {@code v} at {@code indent}; a scalar or empty collection goes after {@code lead}. */
  private void block(Object v, int indent, List<String> path, String lead) {
    if (!isBlock(v)) {
      scalarLine(lead, v, path);
      return;
    }
    if (!active.add(v)) {
      throw new RenderException("cannot render '" + dotted(path) + "': it contains itself");
    }
    try {
      if (v instanceof Map<?, ?> map) {
        mapEntries(map, indent, path);
      } else {
        listItems((List<?>) v, indent, path);
      }
    } finally {
      active.remove(v);
    }
  }

  private void mapEntries(Map<?, ?> map, int indent, List<String> path) {
    List<String> keys = new ArrayList<>();
    for (Object k : map.keySet()) {
      if (!(k instanceof String s)) {
        throw new RenderException(
            "cannot render '"
                + dotted(path)
                + "': a map key is a "
                + (k == null ? "null" : k.getClass().getSimpleName())
                + ", not a string");
      }
      keys.add(s);
    }
    keys.sort(BY_CODE_POINTS);
    String pad = " ".repeat(indent);
    for (String key : keys) {
      Object v = map.get(key);
      String k = YamlScalars.string(key);
      path.add(key);
      boolean explicit = k.length() > MAX_IMPLICIT_KEY;
      if (isBlock(v)) {
        lines.add(RenderedLine.plain(pad + (explicit ? "? " + k : k + ":")));
        if (explicit) {
          lines.add(RenderedLine.plain(pad + ":"));
        }
        block(v, indent + 2, path, "");
      } else if (explicit) {
        lines.add(RenderedLine.plain(pad + "? " + k));
        scalarLine(pad + ": ", v, path);
      } else {
        scalarLine(pad + k + ": ", v, path);
      }
      path.remove(path.size() - 1);
    }
  }

  private void listItems(List<?> list, int indent, List<String> path) {
    String pad = " ".repeat(indent);
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      path.add("[" + i + "]");
      if (isBlock(item)) {
        int first = lines.size();
        block(item, indent + 2, path, "");
        // Compact form: the item's first line starts on the dash line.
        lines.set(first, lines.get(first).relead(indent + 2, pad + "- "));
      } else {
        scalarLine(pad + "- ", item, path);
      }
      path.remove(path.size() - 1);
    }
  }

  private void scalarLine(String lead, Object v, List<String> path) {
    if (v instanceof SecretRef ref) {
      String shown = lead + ref;
      if (secrets == null) {
        lines.add(new RenderedLine(shown, shown, ref.name(), lead, null, null, List.copyOf(path)));
      } else {
        String raw = secrets.resolve(ref);
        String value = YamlScalars.quote(raw);
        lines.add(
            new RenderedLine(lead + value, shown, ref.name(), lead, value, raw, List.copyOf(path)));
      }
      return;
    }
    lines.add(RenderedLine.plain(lead + scalar(v, path)));
  }

  private static String scalar(Object v, List<String> path) {
    if (v == null) {
      return "null";
    } else if (v instanceof String s) {
      return YamlScalars.string(s);
    } else if (v instanceof Boolean b) {
      return b ? "true" : "false";
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger) {
      return v.toString();
    } else if (v instanceof Double d) {
      return YamlScalars.floating(d);
    } else if (v instanceof Float f) {
      return YamlScalars.floating(f.doubleValue());
    } else if (v instanceof Map) {
      return "{}";
    } else if (v instanceof List) {
      return "[]";
    }
    throw new RenderException(
        "cannot render '"
            + dotted(path)
            + "': unsupported value type "
            + v.getClass().getName()
            + " (maps, lists, strings, numbers, booleans, null and secrets only)");
  }

  private static String dotted(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String p : path) {
      if (sb.length() > 0 && !p.startsWith("[")) {
        sb.append('.');
      }
      sb.append(p);
    }
    return sb.length() == 0 ? "(top level)" : sb.toString();
  }

  private static final Comparator<String> BY_CODE_POINTS = new ByCodePoints();

  /** {@link #compareCodePoints} as a comparator. */
  private static final class ByCodePoints implements Comparator<String> {
    @Override
    public int compare(String a, String b) {
      return compareCodePoints(a, b);
    }
  }

  /** Code point order (as Python sorts), not UTF-16 order. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
