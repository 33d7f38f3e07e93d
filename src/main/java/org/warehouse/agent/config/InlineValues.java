package org.warehouse.agent.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.attributes.SecretRef;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Converts the inline attribute maps of agent.yml into value trees typed as attribute files are
 * (the schema is {@link org.warehouse.agent.attributes.AttributeSchemaResolver}'s).
 */
final class InlineValues {
  private InlineValues() {}

  static Object toValue(Node n) {
    if (n instanceof MappingNode m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        out.put(((ScalarNode) t.getKeyNode()).getValue(), toValue(t.getValueNode()));
      }
      return Collections.unmodifiableMap(out);
    }
    if (n instanceof SequenceNode s) {
      List<Object> out = new ArrayList<>();
      s.getValue().forEach(v -> out.add(toValue(v)));
      return Collections.unmodifiableList(out);
    }
    ScalarNode s = (ScalarNode) n;
    Tag t = s.getTag();
    if ("!secret".equals(t.getValue())) {
      return new SecretRef(s.getValue());
    }
    if (t.equals(Tag.NULL)) {
      return null;
    }
    if (t.equals(Tag.BOOL)) {
      return Boolean.valueOf(s.getValue());
    }
    if (t.equals(Tag.INT)) {
      try {
        return Long.valueOf(s.getValue());
      } catch (NumberFormatException e) {
        try {
          return new BigInteger(s.getValue());
        } catch (NumberFormatException e2) {
          return s.getValue();
        }
      }
    }
    if (t.equals(Tag.FLOAT)) {
      try {
        return Double.valueOf(s.getValue());
      } catch (NumberFormatException e) {
        return s.getValue();
      }
    }
    return s.getValue();
  }
}
