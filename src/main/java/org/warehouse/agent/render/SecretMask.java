package org.warehouse.agent.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Masks secret values wherever they appear in a text: each value raw, YAML double-quoted (and the
 * inside of that), YAML single-quoted, and for a multi-line value each of its lines, however it is
 * indented. One pass, longest match first, so that a value containing another is masked whole and a
 * mark already written is never masked again.
 */
final class SecretMask {
  private final List<String> needles = new ArrayList<>();
  private final List<String> marks = new ArrayList<>();
  private final StringBuilder firsts = new StringBuilder();

  /** Masks every form of {@code value} as {@code mark}; a form already known keeps its mark. */
  void add(String value, String mark) {
    if (value == null || value.isBlank()) {
      return;
    }
    String quoted = YamlScalars.quote(value);
    needle(value, mark);
    needle(quoted, mark);
    needle(quoted.substring(1, quoted.length() - 1), mark);
    needle(value.replace("'", "''"), mark);
  }

  boolean isEmpty() {
    return needles.isEmpty();
  }

  private void needle(String form, String mark) {
    if (form.indexOf('\n') < 0 && form.indexOf('\r') < 0) {
      insert(form, mark);
      return;
    }
    int start = 0;
    for (int i = 0; i <= form.length(); i++) {
      if (i == form.length() || form.charAt(i) == '\n' || form.charAt(i) == '\r') {
        // A block scalar indents each line: the line's text, without that indentation.
        insert(form.substring(start, i).strip(), mark);
        start = i + 1;
      }
    }
  }

  // Kept longest first, so a secret that contains another is masked whole.
  private void insert(String needle, String mark) {
    if (needle.isBlank() || needles.contains(needle)) {
      return;
    }
    int at = 0;
    while (at < needles.size() && needles.get(at).length() >= needle.length()) {
      at++;
    }
    needles.add(at, needle);
    marks.add(at, mark);
    if (!startsSome(needle.charAt(0))) {
      firsts.append(needle.charAt(0));
    }
  }

  private boolean startsSome(char c) {
    for (int k = 0; k < firsts.length(); k++) {
      if (firsts.charAt(k) == c) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} with every known value replaced by its mark. */
  String apply(String text) {
    if (needles.isEmpty() || text.isEmpty()) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i < text.length()) {
      int hit = -1;
      if (startsSome(text.charAt(i))) {
        for (int n = 0; n < needles.size() && hit < 0; n++) {
          if (text.startsWith(needles.get(n), i)) {
            hit = n;
          }
        }
      }
      if (hit < 0) {
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, i).append(marks.get(hit));
      i += needles.get(hit).length();
      copied = i;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }
}
