package org.warehouse.agent.render;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.attributes.YamlComposer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What the file now on disk holds where a render writes its secrets: for each secret's place in the
 * tree, the text span of the value there (a block scalar or a quoted value may span many lines) and
 * the scalar values in it, read with SnakeYAML's composer (nothing is constructed).
 */
final class PreviousSecrets {
  /** Bigger files are not parsed; their secret lines are found by the line heuristic alone. */
  private static final int MAX_CHARS = 4 * 1024 * 1024;

  private static final int MAX_VALUES = 10_000;

  /** Lines and columns are 0-based; columns count code points, as SnakeYAML's marks do. */
  record Span(
      RenderedLine secret,
      int startLine,
      int startColumn,
      int endLine,
      int endColumn,
      List<String> values) {}

  private PreviousSecrets() {}

  /** The spans, in the order of {@code secrets}; null when {@code text} is not readable YAML. */
  static List<Span> find(String text, List<RenderedLine> secrets) {
    if (text.length() > MAX_CHARS) {
      return null;
    }
    Node root;
    try {
      root = YamlComposer.compose(new StringReader(text), 50, 100, MAX_CHARS);
    } catch (RuntimeException e) {
      return null;
    }
    List<Span> out = new ArrayList<>();
    if (root == null) {
      return out;
    }
    for (RenderedLine l : secrets) {
      Node n = at(root, l.path());
      if (n != null) {
        List<String> values = new ArrayList<>();
        collect(n, values, 0);
        out.add(
            new Span(
                l,
                n.getStartMark().getLine(),
                n.getStartMark().getColumn(),
                n.getEndMark().getLine(),
                n.getEndMark().getColumn(),
                values));
      }
    }
    return out;
  }

  private static Node at(Node root, List<String> path) {
    Node n = root;
    for (String step : path) {
      if (n instanceof MappingNode m) {
        Node next = null;
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(step)) {
            next = t.getValueNode();
          }
        }
        n = next;
      } else if (n instanceof SequenceNode s && step.startsWith("[")) {
        int i = Integer.parseInt(step.substring(1, step.length() - 1));
        n = i < s.getValue().size() ? s.getValue().get(i) : null;
      } else {
        return null;
      }
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  private static void collect(Node n, List<String> values, int depth) {
    if (depth > 100 || values.size() >= MAX_VALUES) {
      return;
    }
    if (n instanceof ScalarNode s) {
      values.add(s.getValue());
    } else if (n instanceof SequenceNode s) {
      for (Node item : s.getValue()) {
        collect(item, values, depth + 1);
      }
    } else if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        collect(t.getValueNode(), values, depth + 1);
      }
    }
  }
}
