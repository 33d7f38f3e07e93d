package org.warehouse.agent.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Unified diffs for {@code --why-run} and {@code check-config}, built from redacted text only.
 *
 * <p>Use {@link #of(String, byte[], RenderedFile)}: it shows the file now on disk with the render's
 * secrets masked against the render's redacted text, so a diff never holds a secret value the
 * render knows of, nor the value the file on disk holds where the render writes a secret (a
 * multi-line one included).
 */
public final class UnifiedDiff {
  /** Lines of context around each change, as {@code diff -u}. */
  public static final int CONTEXT = 3;

  private UnifiedDiff() {}

  /**
   * The diff from the file at {@code path} now ({@code current}, null when it does not exist) to
   * {@code desired}; empty when the bytes are the same. When the bytes differ only in what
   * redaction hides, a one-line note says so instead of a diff.
   */
  public static String of(String path, byte[] current, RenderedFile desired) {
    if (desired.contentEquals(current)) {
      return "";
    }
    String oldText = "";
    String newText = desired.redactedText();
    if (current != null) {
      // Both sides masked with every value, the render's and those the file on disk holds.
      PreviousRedaction previous = PreviousRedaction.of(desired, current);
      oldText = previous.text();
      newText = desired.shown(previous.mask());
    }
    String oldLabel = current == null ? "/dev/null" : path + " (current)";
    String diff = diff(oldLabel, oldText, path + " (rendered)", newText, CONTEXT);
    if (diff.isEmpty()) {
      return "# " + path + ": content differs only in redacted secret values\n";
    }
    return diff;
  }

  /**
   * A unified diff of two texts with {@code context} lines of context; empty when they are equal.
   * Pass redacted text only.
   */
  public static String diff(
      String oldLabel, String oldText, String newLabel, String newText, int context) {
    List<String> a = lines(oldText);
    List<String> b = lines(newText);
    List<LineDiff.Edit> edits = LineDiff.diff(a, b);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < edits.size()) {
      while (i < edits.size() && edits.get(i).op() == LineDiff.Op.EQUAL) {
        i++;
      }
      if (i == edits.size()) {
        break;
      }
      int start = Math.max(0, i - context);
      int end = i;
      // Extend the hunk while the next change is within 2 * context equal lines.
      while (true) {
        while (end < edits.size() && edits.get(end).op() != LineDiff.Op.EQUAL) {
          end++;
        }
        int equal = end;
        while (equal < edits.size() && edits.get(equal).op() == LineDiff.Op.EQUAL) {
          equal++;
        }
        if (equal < edits.size() && equal - end <= 2 * context) {
          end = equal;
        } else {
          end = Math.min(edits.size(), end + context);
          break;
        }
      }
      if (out.length() == 0) {
        out.append("--- ").append(oldLabel).append('\n');
        out.append("+++ ").append(newLabel).append('\n');
      }
      hunk(out, edits.subList(start, end), edits, start, a, b);
      i = end;
    }
    return out.toString();
  }

  private static void hunk(
      StringBuilder out,
      List<LineDiff.Edit> hunk,
      List<LineDiff.Edit> all,
      int startIndex,
      List<String> a,
      List<String> b) {
    int oldBefore = 0;
    int newBefore = 0;
    for (int j = 0; j < startIndex; j++) {
      LineDiff.Op op = all.get(j).op();
      oldBefore += op != LineDiff.Op.INSERT ? 1 : 0;
      newBefore += op != LineDiff.Op.DELETE ? 1 : 0;
    }
    int oldLen = 0;
    int newLen = 0;
    for (LineDiff.Edit e : hunk) {
      oldLen += e.op() != LineDiff.Op.INSERT ? 1 : 0;
      newLen += e.op() != LineDiff.Op.DELETE ? 1 : 0;
    }
    out.append("@@ -")
        .append(range(oldBefore, oldLen))
        .append(" +")
        .append(range(newBefore, newLen))
        .append(" @@\n");
    for (LineDiff.Edit e : hunk) {
      switch (e.op()) {
        case EQUAL -> line(out, ' ', a.get(e.oldIndex()));
        case DELETE -> line(out, '-', a.get(e.oldIndex()));
        case INSERT -> line(out, '+', b.get(e.newIndex()));
      }
    }
  }

  private static String range(int before, int length) {
    int start = length == 0 ? before : before + 1;
    return length == 1 ? Integer.toString(start) : start + "," + length;
  }

  private static void line(StringBuilder out, char mark, String line) {
    out.append(mark);
    if (line.endsWith("\n")) {
      out.append(line);
    } else {
      out.append(line).append("\n\\ No newline at end of file\n");
    }
  }

  /** The lines of {@code text}, each with its newline; the last may lack one. */
  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl + 1;
      out.add(text.substring(start, end));
      start = end;
    }
    return out;
  }
}
