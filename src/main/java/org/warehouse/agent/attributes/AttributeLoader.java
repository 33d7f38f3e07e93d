package org.warehouse.agent.attributes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads and merges the attribute levels of one converge: the entry point for the converge engine
 * and {@code agent attributes}.
 *
 * <p>Precedence, lowest first (Chef's, simplified): inline {@code attributes.default} of agent.yml;
 * the {@code default}/{@code force_default} sections of Chef node files, in file order; the files
 * themselves at normal level, in order (a directory means its {@code *.yml}, {@code *.yaml}, {@code
 * *.json} sorted by name); the {@code override}/{@code force_override} sections of Chef node files;
 * inline {@code attributes.override}; the automatic facts, under {@code node}. Maps merge deeply;
 * any other value, lists included, is replaced by the higher level; a map at one level and a
 * non-map (null included) at another for the same key is an {@link AttributeException} naming the
 * key path and both sources.
 *
 * <p>Inline maps may hold {@link SecretRef}s or the {@code {"$secret": NAME}} form; Java {@code
 * Integer}s become {@code Long}s.
 */
public final class AttributeLoader {
  /** The top-level key the automatic facts are put under. */
  public static final String FACTS_KEY = "node";

  private final AttributeFileReader reader;
  private final String inlineLabel;

  /** Default limits; inline maps labelled {@code agent.yml inline}. */
  public AttributeLoader() {
    this(AttributeLimits.DEFAULTS, "agent.yml inline");
  }

  /** {@code inlineLabel} names the inline default and override maps in explanations and errors. */
  public AttributeLoader(AttributeLimits limits, String inlineLabel) {
    this.reader = new AttributeFileReader(limits);
    this.inlineLabel = inlineLabel;
  }

  /**
   * Reads every file and merges all levels.
   *
   * @param defaults inline default attributes (may be null or empty)
   * @param files attribute files and directories, in order
   * @param overrides inline override attributes (may be null or empty)
   * @param facts automatic facts (e.g. from {@link AutomaticFacts#gather}); merged under {@code
   *     node}; may be null or empty
   * @throws AttributeException for any unreadable or invalid file, or a type conflict
   */
  public MergedAttributes load(
      Map<String, ?> defaults, List<Path> files, Map<String, ?> overrides, Map<String, ?> facts) {
    List<AttributeDocument> docs = new ArrayList<>();
    for (Path f : AttributeFileReader.expand(files)) {
      docs.add(reader.read(f));
    }
    return merge(
        AttributeDocument.inline(inlineLabel, defaults),
        docs,
        AttributeDocument.inline(inlineLabel, overrides),
        facts);
  }

  /** Merges already-parsed documents; see the class comment for the order. */
  public static MergedAttributes merge(
      AttributeDocument defaults,
      List<AttributeDocument> files,
      AttributeDocument overrides,
      Map<String, ?> facts) {
    List<Map<AttributeLevel, List<AttributeDocument>>> split = new ArrayList<>();
    for (AttributeDocument d : files) {
      split.add(ChefNodeLayout.split(d));
    }
    AttributeMerger merger = new AttributeMerger();
    merger.merge(AttributeLevel.DEFAULT, defaults);
    for (AttributeLevel level :
        List.of(AttributeLevel.DEFAULT, AttributeLevel.NORMAL, AttributeLevel.OVERRIDE)) {
      for (Map<AttributeLevel, List<AttributeDocument>> s : split) {
        for (AttributeDocument d : s.getOrDefault(level, List.of())) {
          merger.merge(level, d);
        }
      }
    }
    merger.merge(AttributeLevel.OVERRIDE, overrides);
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put(FACTS_KEY, facts == null ? Map.of() : facts);
    merger.merge(AttributeLevel.AUTOMATIC, AttributeDocument.inline("automatic facts", wrapped));
    return merger.result();
  }
}
