package org.warehouse.agent.attributes;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The schema for unquoted scalars in attribute files: a plain scalar is a boolean, null or number
 * only where YAML 1.1 (PyYAML, what Warehouse reads) and YAML 1.2's core schema read it the same
 * way; anything the two disagree on stays a string.
 *
 * <ul>
 *   <li>booleans: {@code true True TRUE false False FALSE} only ({@code yes no on off y n} are
 *       strings);
 *   <li>null: {@code ~ null Null NULL} and the empty value;
 *   <li>integers: decimal without leading zeros or underscores ({@code 42 -7 +3 0}); {@code 0755},
 *       {@code 0x1F}, {@code 0o17}, {@code 1_000}, {@code 1:30} are strings;
 *   <li>floats: digits with a dot and an optional signed exponent ({@code 1.5 2. .5 1.0e+3}), and
 *       {@code .inf -.inf +.inf .nan}; {@code 1e3} and {@code 1.5e3} (no dot, or unsigned exponent,
 *       read differently by 1.1 and 1.2) are strings;
 *   <li>everything else, dates and timestamps included, is a string.
 * </ul>
 */
public final class AttributeSchemaResolver extends Resolver {
  static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
  static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
  static final Pattern INT = Pattern.compile("[-+]?(?:0|[1-9][0-9]*)");
  static final Pattern FLOAT =
      Pattern.compile(
          "[-+]?[0-9]+\\.[0-9]*(?:[eE][-+][0-9]+)?"
              + "|\\.[0-9]+(?:[eE][-+][0-9]+)?"
              + "|[-+]?\\.(?:inf|Inf|INF)"
              + "|\\.(?:nan|NaN|NAN)");

  @Override
  protected void addImplicitResolvers() {
    // None of SnakeYAML's YAML 1.1 resolvers: resolve() below is the whole schema.
  }

  @Override
  public Tag resolve(NodeId kind, String value, boolean implicit) {
    if (kind == NodeId.scalar && implicit) {
      if (BOOL.matcher(value).matches()) {
        return Tag.BOOL;
      } else if (NULL.matcher(value).matches()) {
        return Tag.NULL;
      } else if (INT.matcher(value).matches()) {
        return Tag.INT;
      } else if (FLOAT.matcher(value).matches()) {
        return Tag.FLOAT;
      }
      return Tag.STR;
    }
    return super.resolve(kind, value, implicit);
  }
}
