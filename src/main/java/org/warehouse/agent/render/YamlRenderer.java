package org.warehouse.agent.render;

import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.attributes.SecretResolver;

/**
 * Renders an attribute value tree as YAML that Warehouse (PyYAML {@code safe_load}, YAML 1.1) reads
 * back exactly, types included, and that is byte-for-byte the same for the same tree.
 *
 * <p>Layout: an optional header comment, then block style indented by 2 spaces; map keys sorted by
 * code point (the same order as Python's {@code sorted}; stable whatever order the attribute files
 * set them in); empty maps and lists as {@code {}} and {@code []}; one line per scalar, a newline
 * after the last line. Scalars: {@code null}, {@code true}/{@code false}, integers in decimal,
 * floats with a dot and a signed exponent (or {@code .inf}, {@code -.inf}, {@code .nan}); strings
 * plain only when they are identifier-like tokens YAML 1.1 cannot read as anything else, otherwise
 * double-quoted with escapes (so {@code no}, {@code 0755}, {@code 1e3}, {@code 1:30}, {@code ~},
 * dates, multi-line text all stay strings). Secrets are always double-quoted.
 */
public final class YamlRenderer {
  private final String header;

  /**
   * @param headerComment text for the first comment line(s), e.g. {@code Managed by
   *     warehouse-agent: local changes are overwritten}; null or empty for none
   */
  public YamlRenderer(String headerComment) {
    this.header = headerComment == null ? "" : headerComment;
  }

  /**
   * Renders {@code tree} with every secret resolved by {@code secrets}: the bytes to write, and the
   * redacted text to show.
   *
   * @throws RenderException for a value that cannot be rendered
   * @throws org.warehouse.agent.attributes.AttributeException for a secret that cannot be resolved
   */
  public RenderedFile render(Object tree, SecretResolver secrets) {
    if (secrets == null) {
      throw new IllegalArgumentException("secrets: use renderRedacted to render without secrets");
    }
    return new RenderedFile(lines(tree, secrets));
  }

  /** Renders {@code tree} for display, secrets as {@code <secret:NAME>}; no secret is read. */
  public String renderRedacted(Object tree) {
    StringBuilder sb = new StringBuilder();
    for (RenderedLine l : lines(tree, null)) {
      sb.append(l.shown()).append('\n');
    }
    return sb.toString();
  }

  private List<RenderedLine> lines(Object tree, SecretResolver secrets) {
    List<RenderedLine> lines = new ArrayList<>();
    for (String h : header.split("\\R", -1)) {
      if (!header.isEmpty()) {
        lines.add(RenderedLine.plain(comment(h)));
      }
    }
    lines.addAll(new YamlEmitter(secrets).document(tree));
    return lines;
  }

  /** A comment line; characters PyYAML refuses or reads as line ends become spaces. */
  private static String comment(String text) {
    StringBuilder sb = new StringBuilder("#");
    if (!text.isEmpty()) {
      sb.append(' ');
    }
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      sb.appendCodePoint(YamlScalars.printable(c) ? c : ' ');
      i += Character.charCount(c);
    }
    return sb.toString().stripTrailing();
  }
}
