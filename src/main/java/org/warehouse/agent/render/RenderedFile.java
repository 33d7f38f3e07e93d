package org.warehouse.agent.render;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rendered config file: the bytes to write (secrets resolved) and the text to show (secrets as
 * {@code <secret:NAME>}). Secrets are redacted by value: wherever a secret's value (this render's,
 * or the one the file on disk holds under the same key) appears in what is shown, in any line and
 * in any form, it is masked. {@link #toString()} never shows the content.
 */
public final class RenderedFile {
  private final byte[] content;
  private final String redactedText;
  private final List<RenderedLine> lines;
  private final SecretMask mask = new SecretMask();

  RenderedFile(List<RenderedLine> lines) {
    this.lines = List.copyOf(lines);
    StringBuilder text = new StringBuilder();
    for (RenderedLine l : lines) {
      text.append(l.text()).append('\n');
      if (l.hasSecret()) {
        mask.add(l.raw(), "<secret:" + l.secretName() + ">");
      }
    }
    this.content = text.toString().getBytes(StandardCharsets.UTF_8);
    this.redactedText = shown(mask);
  }

  // Each line as shown, with the values `values` knows masked in what is not the secret itself.
  String shown(SecretMask values) {
    StringBuilder shown = new StringBuilder();
    for (RenderedLine l : lines) {
      if (l.hasSecret()) {
        shown.append(values.apply(l.lead())).append("<secret:").append(l.secretName()).append('>');
      } else {
        shown.append(values.apply(l.text()));
      }
      shown.append('\n');
    }
    return shown.toString();
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

  /**
   * As {@link #redactedText()}, with the secret values that {@code existing} (the file on disk)
   * holds masked too: what to show beside {@link #redact(byte[])}.
   */
  public String redactedText(byte[] existing) {
    return existing == null || contentEquals(existing)
        ? redactedText
        : shown(PreviousRedaction.of(this, existing).mask());
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

  List<RenderedLine> lines() {
    return lines;
  }

  SecretMask mask() {
    return mask;
  }

  /**
   * The text of {@code existing} (e.g. the file now on disk, written by an earlier render or by
   * hand) with every secret masked, fit to show beside {@link #redactedText()}:
   *
   * <ul>
   *   <li>the value the file holds where this render writes a secret (found by parsing it as YAML),
   *       on every line it spans, is shown as {@code <secret:NAME>} when it is the current value
   *       and {@code <secret:NAME (old value)>} when it is another;
   *   <li>that old value, and this render's, are masked wherever else they appear, raw, quoted or
   *       line by line;
   *   <li>a file that is not YAML: a line that starts like a secret line (same indentation and key,
   *       or a list item at the same indentation) and is not a line of this render is shown as
   *       {@code key: <secret:NAME (old value)>}, and so are the more indented lines after it.
   * </ul>
   *
   * A previous secret value elsewhere, under a key that no longer holds a secret, cannot be
   * recognised.
   */
  public String redact(byte[] existing) {
    if (contentEquals(existing)) {
      return redactedText;
    }
    return PreviousRedaction.of(this, existing).text();
  }

  @Override
  public String toString() {
    return "RenderedFile[" + content.length + " bytes, secrets=" + secretNames() + "]";
  }
}
