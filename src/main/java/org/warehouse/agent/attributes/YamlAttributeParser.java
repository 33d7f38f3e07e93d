package org.warehouse.agent.attributes;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses YAML attribute text by composing SnakeYAML's node tree (never constructing objects), so
 * that every value keeps its line and column and only plain data types can come out.
 */
final class YamlAttributeParser {
  static final String SECRET_TAG = "!secret";

  private final String source;
  private final AttributeLimits limits;
  private final Map<List<String>, Location> locations = new LinkedHashMap<>();
  private final Set<Node> active = Collections.newSetFromMap(new IdentityHashMap<>());
  private int values;

  private YamlAttributeParser(String source, AttributeLimits limits) {
    this.source = source;
    this.limits = limits;
  }

  static AttributeDocument parse(String text, String source, AttributeLimits limits) {
    return new YamlAttributeParser(source, limits).parse(text);
  }

  private AttributeDocument parse(String text) {
    Node root;
    try {
      root =
          YamlComposer.compose(
              new StringReader(text),
              limits.maxAliases(),
              limits.maxDepth(),
              (int) limits.maxFileBytes());
    } catch (MarkedYAMLException e) {
      throw new AttributeException(describe(e), e);
    } catch (YAMLException e) {
      throw new AttributeException(source + ": " + describeLimit(e.getMessage()), e);
    }
    locations.put(List.of(), new Location(source, 1, 1));
    if (root == null || (root instanceof ScalarNode && Tag.NULL.equals(root.getTag()))) {
      return new AttributeDocument(source, new LinkedHashMap<>(), locations);
    }
    Object value = convert(root, new ArrayList<>());
    if (!(value instanceof Map)) {
      throw error(root, "the top level must be a map, not a " + Values.typeName(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return new AttributeDocument(source, map, locations);
  }

  private String describe(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
    StringBuilder sb = new StringBuilder();
    sb.append(source);
    if (mark != null) {
      sb.append(':').append(mark.getLine() + 1).append(':').append(mark.getColumn() + 1);
    }
    sb.append(": ").append(oneLine(problem));
    if (e.getContext() != null && e.getContextMark() != null && e.getContextMark() != mark) {
      sb.append(" (")
          .append(oneLine(e.getContext()))
          .append(" at line ")
          .append(e.getContextMark().getLine() + 1)
          .append(')');
    }
    return sb.toString();
  }

  private String describeLimit(String message) {
    String m = message == null ? "invalid YAML" : oneLine(message);
    if (m.contains("aliases")) {
      return "too many aliases to collections (more than "
          + limits.maxAliases()
          + "); refusing a document that could expand exponentially ("
          + m
          + ")";
    } else if (m.contains("Nesting Depth")) {
      return "nested deeper than " + limits.maxDepth() + " levels (" + m + ")";
    } else if (m.contains("code points")) {
      return "larger than " + limits.maxFileBytes() + " characters (" + m + ")";
    }
    return m;
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\n\\s*", " ");
  }

  private AttributeException error(Node node, String message) {
    Mark m = node.getStartMark();
    String where =
        m == null ? source : source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
    return new AttributeException(where + ": " + message);
  }

  private Object convert(Node node, List<String> path) {
    if (++values > limits.maxValues()) {
      throw error(
          node,
          "more than "
              + limits.maxValues()
              + " values (after expanding aliases); refusing to load this document");
    }
    String tag = node.getTag().getValue();
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar, tag);
    }
    if (SECRET_TAG.equals(tag)) {
      throw error(node, "!secret needs a scalar secret name, not a collection");
    }
    if (!active.add(node)) {
      throw error(node, "'" + Values.dotted(path) + "' refers to itself through an alias");
    }
    try {
      if (node instanceof SequenceNode sequence) {
        if (!Tag.SEQ.getValue().equals(tag)) {
          throw error(node, "unsupported tag " + tag + " (only plain data is allowed)");
        }
        List<Object> list = new ArrayList<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
          path.add("[" + i + "]");
          list.add(convert(items.get(i), path));
          path.remove(path.size() - 1);
        }
        return list;
      }
      return mapping((MappingNode) node, tag, path);
    } finally {
      active.remove(node);
    }
  }

  private Object mapping(MappingNode node, String tag, List<String> path) {
    if (!Tag.MAP.getValue().equals(tag)) {
      throw error(node, "unsupported tag " + tag + " (only plain data is allowed)");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    Map<String, Node> firstKeys = new HashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = key(keyNode);
      Node first = firstKeys.putIfAbsent(key, keyNode);
      if (first != null) {
        throw error(
            keyNode,
            "duplicate key '"
                + Printable.of(key, 80)
                + "' (first at line "
                + (first.getStartMark().getLine() + 1)
                + ")");
      }
      path.add(key);
      Mark m = keyNode.getStartMark();
      locations.put(List.copyOf(path), new Location(source, m.getLine() + 1, m.getColumn() + 1));
      map.put(key, convert(tuple.getValueNode(), path));
      path.remove(path.size() - 1);
    }
    SecretRef secret = secretOrNull(map, node);
    if (secret != null) {
      List<String> secretPath = new ArrayList<>(path);
      secretPath.add(Values.SECRET_KEY);
      locations.remove(secretPath);
      return secret;
    }
    return map;
  }

  private SecretRef secretOrNull(Map<String, Object> map, Node node) {
    try {
      return Values.secretOrNull(map, "{\"$secret\": NAME}");
    } catch (AttributeException e) {
      throw error(node, e.getMessage());
    }
  }

  private String key(Node keyNode) {
    if (!(keyNode instanceof ScalarNode scalar)) {
      throw error(keyNode, "map keys must be strings, not collections");
    }
    String tag = scalar.getTag().getValue();
    if (!Tag.STR.getValue().equals(tag)) {
      throw error(
          keyNode,
          "map key '"
              + Printable.of(scalar.getValue(), 80)
              + "' is read as "
              + tag.replace("tag:yaml.org,2002:", "!!")
              + "; keys must be strings (quote it)");
    }
    if (scalar.isPlain() && "<<".equals(scalar.getValue())) {
      throw error(keyNode, "YAML merge keys (<<) are not supported; write the keys out");
    }
    return scalar.getValue();
  }

  private Object scalar(ScalarNode node, String tag) {
    String v = node.getValue();
    if (SECRET_TAG.equals(tag)) {
      try {
        return new SecretRef(v);
      } catch (AttributeException e) {
        throw error(node, e.getMessage());
      }
    } else if (Tag.STR.getValue().equals(tag)) {
      return v;
    } else if (Tag.NULL.getValue().equals(tag)) {
      if (!AttributeSchemaResolver.NULL.matcher(v).matches()) {
        throw error(node, "!!null with a value '" + Printable.of(v, 40) + "'");
      }
      return null;
    } else if (Tag.BOOL.getValue().equals(tag)) {
      if (!AttributeSchemaResolver.BOOL.matcher(v).matches()) {
        throw error(node, "!!bool '" + Printable.of(v, 40) + "' is not true or false");
      }
      return v.equalsIgnoreCase("true");
    } else if (Tag.INT.getValue().equals(tag)) {
      if (!AttributeSchemaResolver.INT.matcher(v).matches()) {
        throw error(
            node, "!!int '" + Printable.of(v, 40) + "' is not a decimal integer (no leading 0)");
      }
      return integer(v);
    } else if (Tag.FLOAT.getValue().equals(tag)) {
      if (!AttributeSchemaResolver.FLOAT.matcher(v).matches()
          && !AttributeSchemaResolver.INT.matcher(v).matches()) {
        throw error(node, "!!float '" + Printable.of(v, 40) + "' is not a decimal number");
      }
      return floating(v);
    }
    throw error(node, "unsupported tag " + tag + " (only plain data and !secret are allowed)");
  }

  static Object integer(String v) {
    BigInteger big = new BigInteger(v.startsWith("+") ? v.substring(1) : v);
    return big.bitLength() < 64 ? (Object) big.longValue() : big;
  }

  static double floating(String v) {
    String s = v.startsWith("+") ? v.substring(1) : v;
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case ".inf" -> Double.POSITIVE_INFINITY;
      case "-.inf" -> Double.NEGATIVE_INFINITY;
      case ".nan" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }
}
