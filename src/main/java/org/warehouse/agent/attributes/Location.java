package org.warehouse.agent.attributes;

import java.util.Objects;

/**
 * Where a value came from: a file path or a label such as {@code agent.yml inline}, with a 1-based
 * line and column when known (0 when not). Prints as {@code source:line:column}, {@code
 * source:line} or {@code source}.
 */
public record Location(String source, int line, int column) {
  public Location {
    Objects.requireNonNull(source, "source");
  }

  /** A location with no line, for inline maps and gathered facts. */
  public static Location of(String source) {
    return new Location(source, 0, 0);
  }

  /** {@code source:line}, without the column: the short form used in explanations. */
  public String toShortString() {
    return line > 0 ? source + ":" + line : source;
  }

  @Override
  public String toString() {
    if (line <= 0) {
      return source;
    }
    return column > 0 ? source + ":" + line + ":" + column : source + ":" + line;
  }
}
