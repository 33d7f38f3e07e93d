package org.warehouse.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.attributes.AttributeException;
import org.warehouse.agent.attributes.SecretRef;

class YamlRendererTest {
  private final YamlRenderer renderer =
      new YamlRenderer("Managed by warehouse-agent; local changes are overwritten");

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void rendersBlockStyleSortedAndTyped() {
    Map<String, Object> tree =
        map(
            "zeta",
            "last",
            "database",
            map("url", "postgres://db/warehouse", "pool", 5L, "ssl", true),
            "mode",
            "0755",
            "debug",
            "no",
            "ratio",
            0.5,
            "big",
            1e22,
            "none",
            null,
            "hosts",
            List.of("web1", "web2.example.org", "10.0.0.1"),
            "empty",
            map(),
            "nothing",
            List.of(),
            "matrix",
            List.of(List.of(1L, 2L), List.of()),
            "users",
            List.of(map("name", "ann", "admin", false), map()),
            "multi",
            "line one\nline two\n");
    String expected =
        """
        # Managed by warehouse-agent; local changes are overwritten
        big: 1.0e+22
        database:
          pool: 5
          ssl: true
          url: "postgres://db/warehouse"
        debug: "no"
        empty: {}
        hosts:
          - web1
          - web2.example.org
          - "10.0.0.1"
        matrix:
          - - 1
            - 2
          - []
        mode: "0755"
        multi: "line one\\nline two\\n"
        none: null
        nothing: []
        ratio: 0.5
        users:
          - admin: false
            name: ann
          - {}
        zeta: last
        """;
    assertThat(renderer.renderRedacted(tree)).isEqualTo(expected);
    RenderedFile file = renderer.render(tree, ref -> "unused");
    assertThat(new String(file.content(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(file.redactedText()).isEqualTo(expected);
  }

  @Test
  void isDeterministicWhateverTheInsertionOrder() {
    Map<String, Object> a =
        map("b", 1L, "a", map("y", 2L, "x", 3L), "\u00e9", 1L, "\ud83d\ude00", 2L, "\uffee", 3L);
    Map<String, Object> b =
        map("\uffee", 3L, "\ud83d\ude00", 2L, "\u00e9", 1L, "a", map("x", 3L, "y", 2L), "b", 1L);
    assertThat(renderer.render(a, r -> "").content())
        .isEqualTo(renderer.render(b, r -> "").content());
    // Code point order, as Python sorts: U+FFEE before U+1F600 (UTF-16 order would differ).
    assertThat(renderer.renderRedacted(a))
        .endsWith(
            "a:\n  x: 3\n  \"y\": 2\nb: 1\n\"\u00e9\": 1\n\"\uffee\": 3\n\"\ud83d\ude00\": 2\n");
  }

  @Test
  void resolvesSecretsInTheContentAndRedactsThemInTheText() {
    Map<String, Object> tree =
        map(
            "db",
            map("password", new SecretRef("db_password")),
            "keys",
            List.of(new SecretRef("k")));
    RenderedFile file =
        renderer.render(tree, ref -> ref.name().equals("k") ? "no" : "p@ss: \"w0rd\"\n");
    String content = new String(file.content(), StandardCharsets.UTF_8);
    assertThat(content)
        .contains("  password: \"p@ss: \\\"w0rd\\\"\\n\"\n")
        .contains("  - \"no\"\n");
    assertThat(file.redactedText())
        .contains("  password: <secret:db_password>\n", "  - <secret:k>\n")
        .doesNotContain("w0rd");
    assertThat(file.secretNames()).containsExactly("db_password", "k");
    assertThat(file.toString()).doesNotContain("w0rd").contains("secrets=[db_password, k]");
    assertThat(renderer.renderRedacted(tree)).isEqualTo(file.redactedText());
  }

  @Test
  void secretResolutionErrorsPropagateWithoutValues() {
    Map<String, Object> tree = map("p", new SecretRef("missing"));
    assertThatThrownBy(
            () ->
                renderer.render(
                    tree,
                    ref -> {
                      throw new AttributeException("secret '" + ref.name() + "' not found");
                    }))
        .isInstanceOf(AttributeException.class)
        .hasMessage("secret 'missing' not found");
  }

  @Test
  void quotesKeysThatAreNotPlainSafe() {
    String out = renderer.renderRedacted(map("on", 1L, "1", 2L, "a b", 3L, "ok_key", 4L, "", 5L));
    assertThat(out).endsWith("\"\": 5\n\"1\": 2\n\"a b\": 3\nok_key: 4\n\"on\": 1\n");
  }

  @Test
  void rendersRootScalarsListsAndEmptyMaps() {
    YamlRenderer bare = new YamlRenderer(null);
    assertThat(bare.renderRedacted(map())).isEqualTo("{}\n");
    assertThat(bare.renderRedacted(List.of("a", 1L))).isEqualTo("- a\n- 1\n");
    assertThat(bare.renderRedacted("yes")).isEqualTo("\"yes\"\n");
    assertThat(bare.renderRedacted(null)).isEqualTo("null\n");
  }

  @Test
  void headerLinesAreSanitized() {
    assertThat(new YamlRenderer("a\nb\u0000c\ufeff").renderRedacted(map("k", 1L)))
        .isEqualTo("# a\n# b c\nk: 1\n");
  }

  @Test
  void longKeysUseExplicitKeySyntax() {
    String key = "k".repeat(1001);
    assertThat(new YamlRenderer(null).renderRedacted(map(key, "v", "m", map(key, map("a", 1L)))))
        .isEqualTo("? " + key + "\n: v\nm:\n  ? " + key + "\n  :\n    a: 1\n");
  }

  @Test
  void refusesWhatItCannotRender() {
    assertThatThrownBy(() -> renderer.renderRedacted(map("a", map("d", java.time.Instant.EPOCH))))
        .isInstanceOf(RenderException.class)
        .hasMessageStartingWith("cannot render 'a.d': unsupported value type java.time.Instant");
    Map<Object, Object> intKey = new LinkedHashMap<>();
    intKey.put(80, "http");
    assertThatThrownBy(() -> renderer.renderRedacted(map("ports", intKey)))
        .hasMessage("cannot render 'ports': a map key is a Integer, not a string");
    List<Object> self = new ArrayList<>();
    self.add(self);
    assertThatThrownBy(() -> renderer.renderRedacted(map("l", List.of(1L, self))))
        .hasMessage("cannot render 'l[1][0]': it contains itself");
    assertThatThrownBy(() -> renderer.render(map(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sharedSubtreesAreNotCycles() {
    Map<String, Object> shared = map("x", 1L);
    assertThat(renderer.renderRedacted(map("a", shared, "b", Arrays.asList(shared, shared))))
        .endsWith("a:\n  x: 1\nb:\n  - x: 1\n  - x: 1\n");
  }
}
