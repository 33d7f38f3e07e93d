package org.warehouse.agent.attributes;

import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * SnakeYAML's node tree of one document, with limits on aliases, depth and size (no billion laughs)
 * and the attribute schema; no object is ever constructed from it. What {@code Yaml.compose} does
 * without building a Yaml, whose constructor and representer a reader never needs and which starts
 * java.util.logging (SnakeYAML's logger).
 */
public final class YamlComposer {
  private YamlComposer() {}

  /** The single document in {@code r}, or null for an empty one. */
  public static Node compose(Reader r, int maxAliases, int maxDepth, int maxCodePoints) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(maxAliases);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(maxDepth);
    options.setCodePointLimit(maxCodePoints);
    options.setProcessComments(false);
    return new Composer(
            new ParserImpl(new StreamReader(r), options), new AttributeSchemaResolver(), options)
        .getSingleNode();
  }
}
