package org.warehouse.agent.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A file's previous content with every secret masked, against a render: the value it holds where
 * the render writes a secret, on every line that value spans, and every value, old or new, wherever
 * else it appears. See {@link RenderedFile#redact(byte[])}.
 */
final class PreviousRedaction {
  private final String text;
  private final SecretMask mask;

  private PreviousRedaction(String text, SecretMask mask) {
    this.text = text;
    this.mask = mask;
  }

  String text() {
    return text;
  }

  /** The render's secret values and the previous ones: for the render's side of a diff. */
  SecretMask mask() {
    return mask;
  }

  static PreviousRedaction of(RenderedFile file, byte[] existing) {
    String text = new String(existing, StandardCharsets.UTF_8);
    List<RenderedLine> secrets = new ArrayList<>();
    SecretMask mask = new SecretMask();
    for (RenderedLine l : file.lines()) {
      if (l.hasSecret() && l.raw() != null) {
        secrets.add(l);
        mask.add(l.raw(), "<secret:" + l.secretName() + ">");
      }
    }
    if (secrets.isEmpty()) {
      return new PreviousRedaction(text, mask);
    }
    List<String> lines = lines(text);
    String[] shown = new String[lines.size()];
    List<PreviousSecrets.Span> spans = PreviousSecrets.find(text, secrets);
    if (spans != null) {
      for (PreviousSecrets.Span s : spans) {
        for (String old : s.values()) {
          mask.add(old, oldMark(s.secret()));
        }
      }
      for (PreviousSecrets.Span s : spans) {
        masked(s, lines, shown, mask);
      }
    } else {
      byHeuristic(file, secrets, lines, shown);
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < lines.size(); i++) {
      out.append(shown[i] != null ? shown[i] : mask.apply(lines.get(i)));
      if (i < lines.size() - 1 || text.endsWith("\n")) {
        out.append('\n');
      }
    }
    return new PreviousRedaction(out.toString(), mask);
  }

  private static String oldMark(RenderedLine l) {
    return "<secret:" + l.secretName() + " (old value)>";
  }

  // The lines a value spans, each shown as the mark; what shares its first or last line is kept.
  private static void masked(
      PreviousSecrets.Span s, List<String> lines, String[] shown, SecretMask mask) {
    String mark =
        s.values().size() == 1 && s.values().get(0).equals(s.secret().raw())
            ? "<secret:" + s.secret().secretName() + ">"
            : oldMark(s.secret());
    int first = s.startLine();
    int last = Math.min(s.endLine(), lines.size() - 1);
    if (first >= lines.size() || last < first) {
      return;
    }
    int endColumn = s.endColumn();
    // A block scalar ends where the next line's indentation does: that line is not the value's,
    // and neither are the blank lines it swallowed.
    if (last > first && lines.get(last).substring(0, at(lines.get(last), endColumn)).isBlank()) {
      last--;
      endColumn = Integer.MAX_VALUE;
    }
    while (last > first && lines.get(last).isBlank()) {
      last--;
      endColumn = Integer.MAX_VALUE;
    }
    String head = lines.get(first);
    String before = mask.apply(head.substring(0, at(head, s.startColumn())));
    if (first == last) {
      shown[first] = before + mark + mask.apply(head.substring(at(head, endColumn)));
      return;
    }
    shown[first] = before + mark;
    for (int i = first + 1; i <= last; i++) {
      String line = lines.get(i);
      String after = i == last ? mask.apply(line.substring(at(line, endColumn))) : "";
      shown[i] = indentation(line) + mark + after;
    }
  }

  // A mark's column counts code points; the index into the line, at most its end.
  private static int at(String line, int column) {
    int points = line.codePointCount(0, line.length());
    return column >= points ? line.length() : line.offsetByCodePoints(0, column);
  }

  private static String indentation(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return line.substring(0, i);
  }

  // Not YAML: a line that starts like a secret line and is not one of the render's holds the
  // secret's previous value, and so do the more indented lines after it (a block scalar's body).
  private static void byHeuristic(
      RenderedFile file, List<RenderedLine> secrets, List<String> lines, String[] shown) {
    Set<String> rendered = new HashSet<>();
    for (RenderedLine l : file.lines()) {
      rendered.add(l.text());
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      for (RenderedLine l : secrets) {
        if (line.equals(l.text())) {
          shown[i] = l.shown();
          break;
        }
        String lead = l.lead();
        if (!rendered.contains(line) && !lead.strip().equals(":") && line.startsWith(lead)) {
          String mark = oldMark(l);
          shown[i] = lead + mark;
          int depth = indentation(lead).length();
          while (i + 1 < lines.size()
              && (lines.get(i + 1).isBlank() || indentation(lines.get(i + 1)).length() > depth)) {
            i++;
            shown[i] = indentation(lines.get(i)) + mark;
          }
          break;
        }
      }
    }
  }

  /** The lines of {@code text}, without their newlines; no empty last line after a final one. */
  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      out.add(text.substring(start, end));
      start = end + 1;
    }
    return out;
  }
}
