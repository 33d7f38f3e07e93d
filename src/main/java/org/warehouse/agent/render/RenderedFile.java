package org.warehouse.agent.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
   * secrets this render knows of masked, fit to show beside {@link #redactedText()}: a line equal
   * to one of this render's secret lines is shown as that line is; a line with the same key as a
   * secret line but another value as {@code key: <secret:NAME (old value)>}; any other occurrence
   * of a secret value as {@code <secret:NAME>}. A secret that this render no longer uses cannot be
   * recognised: the old file is then shown as it is.
   */
  public String redact(byte[] existing) {
    String text = new String(existing, StandardCharsets.UTF_8);
    List<RenderedLine> secretLines = new ArrayList<>();
    for (RenderedLine l : lines) {
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
      int end = nl < 0 ? text.length() : nl + 1;
      String line = text.substring(start, nl < 0 ? text.length() : nl);
      out.append(maskLine(line, secretLines, byLength)).append(text, end - (nl < 0 ? 0 : 1), end);
      start = end;
    }
    return out.toString();
  }

  private static String maskLine(
      String line, List<RenderedLine> secretLines, List<RenderedLine> byLength) {
    for (RenderedLine l : secretLines) {
      if (line.equals(l.text())) {
        return l.shown();
      }
    }
    for (RenderedLine l : secretLines) {
      String lead = l.lead();
      if (lead.endsWith(": ") && !lead.strip().equals(":") && line.startsWith(lead)) {
        return lead + "<secret:" + l.secretName() + " (old value)>";
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
    }
    return masked;
  }

  @Override
  public String toString() {
    return "RenderedFile[" + content.length + " bytes, secrets=" + secretNames() + "]";
  }
}
