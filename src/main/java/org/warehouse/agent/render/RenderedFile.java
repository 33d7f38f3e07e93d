package org.warehouse.agent.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rendered config file: the bytes to write (secrets resolved) and the text to show (secrets as
 * {@code <secret:NAME>}). {@link #toString()} never shows the content.
 */
public final class RenderedFile {
  private final byte[] content;
  private final String redactedText;
  private final List<RenderedLine> lines;

  RenderedFile(List<RenderedLine> lines) {
    this.lines = List.copyOf(lines);
    StringBuilder text = new StringBuilder();
    StringBuilder shown = new StringBuilder();
    for (RenderedLine l : lines) {
      text.append(l.text()).append('\n');
      shown.append(l.shown()).append('\n');
    }
    this.content = text.toString().getBytes(StandardCharsets.UTF_8);
    this.redactedText = shown.toString();
  }

  /** The bytes to write to the file; they may hold secret values: never log or print them. */
  public byte[] content() {
    return content.clone();
  }

  /** Whether {@code other} holds exactly these bytes. */
  public boolean contentEquals(byte[] other) {
    return other != null && Arrays.equals(content, other);
  }

  /** The render with every secret shown as {@code <secret:NAME>}: for display and diffs. */
  public String redactedText() {
    return redactedText;
  }

  /** The names of the secrets this render holds. */
  public Set<String> secretNames() {
    Set<String> names = new TreeSet<>();
    for (RenderedLine l : lines) {
      if (l.hasSecret()) {
        names.add(l.secretName());
      }
    }
    return names;
  }

  /**
   * The text of {@code existing} (e.g. the file now on disk, written by an earlier render) with the
   * secrets this render knows of masked, fit to show beside {@link #redactedText()}:
   *
   * <ul>
   *   <li>a line equal to one of this render's secret lines is shown as that line is shown;
   *   <li>a line that starts like a secret line (same indentation and key, or a list item at the
   *       same indentation) and is not a line of this render is shown as {@code key: <secret:NAME
   *       (old value)>}: it most likely holds the secret's previous value;
   *   <li>any other occurrence of a secret value, raw or as written, becomes {@code <secret:NAME>}.
   * </ul>
   *
   * A previous secret value elsewhere, under a key that no longer holds a secret, cannot be
   * recognised.
   */
  public String redact(byte[] existing) {
    String text = new String(existing, StandardCharsets.UTF_8);
    List<RenderedLine> secretLines = new ArrayList<>();
    Set<String> renderedLines = new HashSet<>();
    for (RenderedLine l : lines) {
      renderedLines.add(l.text());
      if (l.hasSecret() && l.secretValue() != null) {
        secretLines.add(l);
      }
    }
    if (secretLines.isEmpty()) {
      return text;
    }
    // Longest values first, so that a value containing another is masked whole.
    List<RenderedLine> byLength = new ArrayList<>(secretLines);
    byLength.sort(Comparator.comparingInt((RenderedLine l) -> -l.secretValue().length()));
    StringBuilder out = new StringBuilder();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      String line = text.substring(start, nl < 0 ? text.length() : nl);
      out.append(maskLine(line, secretLines, byLength, renderedLines));
      if (nl >= 0) {
        out.append('\n');
      }
      start = nl < 0 ? text.length() : nl + 1;
    }
    return out.toString();
  }

  private static String maskLine(
      String line,
      List<RenderedLine> secretLines,
      List<RenderedLine> byLength,
      Set<String> renderedLines) {
    for (RenderedLine l : secretLines) {
      if (line.equals(l.text())) {
        return l.shown();
      }
    }
    if (!renderedLines.contains(line)) {
      for (RenderedLine l : secretLines) {
        String lead = l.lead();
        if (!lead.strip().equals(":") && line.startsWith(lead)) {
          return lead + "<secret:" + l.secretName() + " (old value)>";
        }
      }
    }
    String masked = line;
    for (RenderedLine l : byLength) {
      String quoted = l.secretValue();
      String inner = quoted.substring(1, quoted.length() - 1);
      String mark = "<secret:" + l.secretName() + ">";
      masked = masked.replace(quoted, mark);
      if (!inner.isEmpty()) {
        masked = masked.replace(inner, mark);
      }
      if (!l.raw().isEmpty()) {
        masked = masked.replace(l.raw(), mark);
      }
    }
    return masked;
  }

  @Override
  public String toString() {
    return "RenderedFile[" + content.length + " bytes, secrets=" + secretNames() + "]";
  }
}
