package org.warehouse.agent.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributeLoaderTest {
  @TempDir Path dir;
  private final AttributeLoader loader = new AttributeLoader();

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  @Test
  void levelsMergeInPrecedenceOrder() throws IOException {
    Path d = dir.resolve("attributes.d");
    file("attributes.d/20-b.yml", "warehouse:\n  config:\n    b: from-20\n    both: from-20\n");
    file("attributes.d/10-a.yml", "warehouse:\n  config:\n    a: from-10\n    both: from-10\n");
    Map<String, Object> defaults =
        Map.of("warehouse", Map.of("config", Map.of("d", "default", "both", "default", "o", 1)));
    Map<String, Object> overrides = Map.of("warehouse", Map.of("config", Map.of("o", 2)));
    MergedAttributes m = loader.load(defaults, List.of(d), overrides, Map.of("hostname", "web1"));
    assertThat(m.lookupMap("warehouse.config"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("d", "default", "a", "from-10", "b", "from-20", "both", "from-20", "o", 2L));
    assertThat(m.lookup("node.hostname")).isEqualTo("web1");
  }

  @Test
  void listsAndScalarsAreReplacedNotMerged() throws IOException {
    Path a = file("a.yml", "x:\n  list: [1, 2, 3]\n  s: a\n");
    Path b = file("b.yml", "x:\n  list: [9]\n  s: [b]\n");
    MergedAttributes m = loader.load(Map.of(), List.of(a, b), Map.of(), Map.of());
    assertThat(m.lookup("x.list")).isEqualTo(List.of(9L));
    assertThat(m.lookup("x.s")).isEqualTo(List.of("b"));
  }

  @Test
  void typeConflictNamesKeyAndBothSources() throws IOException {
    Path a = file("10-db.yml", "warehouse:\n  config:\n    database:\n      url: x\n");
    Path b = file("20-db.yml", "# flat\nwarehouse:\n  config:\n    database: postgres://x\n");
    assertThatThrownBy(() -> loader.load(Map.of(), List.of(a, b), Map.of(), Map.of()))
        .isInstanceOf(AttributeException.class)
        .hasMessage(
            "type conflict for attribute 'warehouse.config.database': a map in normal ("
                + a
                + ":3) but a string in normal ("
                + b
                + ":4) (maps merge only with maps)");
    assertThatThrownBy(
            () -> loader.load(Map.of("node", "x"), List.of(), Map.of(), Map.of("hostname", "h")))
        .hasMessage(
            "type conflict for attribute 'node': a string in default (agent.yml inline) but a"
                + " map in automatic (automatic facts) (maps merge only with maps)");
  }

  @Test
  void explainsEveryLevelAndTheWinner() throws IOException {
    Path f =
        file(
            "attributes.d/10-db.yml",
            "warehouse:\n  config:\n    # the database\n    database: db1\n");
    Map<String, Object> defaults = Map.of("warehouse", Map.of("config", Map.of("database", "db0")));
    MergedAttributes m = loader.load(defaults, List.of(f.getParent()), Map.of(), Map.of());
    Explanation e = m.explain("warehouse.config.database");
    assertThat(e)
        .hasToString(
            "warehouse.config.database: set by default (agent.yml inline), normal ("
                + f
                + ":4), winner: normal ("
                + f
                + ":4)");
    assertThat(e.winner())
        .contains(new Setting(AttributeLevel.NORMAL, new Location(f.toString(), 4, 5)));
    assertThat(m.explain("warehouse.config"))
        .hasToString(
            "warehouse.config: a map merged from default (agent.yml inline), normal (" + f + ":2)");
    assertThat(m.explain("warehouse.config").winner()).isEmpty();
    assertThat(m.explainAll())
        .extracting(Explanation::key)
        .containsExactly("warehouse.config.database", "node");
  }

  @Test
  void lookupSaysWhichPartIsMissing() {
    MergedAttributes m =
        AttributeLoader.merge(
            AttributeDocument.inline("x", Map.of("warehouse", Map.of("b", 1, "a", 2))),
            List.of(),
            AttributeDocument.inline("x", Map.of()),
            Map.of());
    assertThatThrownBy(() -> m.lookup("warehouse.config"))
        .hasMessage(
            "attribute 'warehouse.config' not found: 'warehouse' has no key 'config' (keys: a, b)");
    assertThatThrownBy(() -> m.lookup("nope.x"))
        .hasMessage(
            "attribute 'nope.x' not found: there is no top-level key 'nope' (keys: node, warehouse)");
    assertThatThrownBy(() -> m.lookup("warehouse.a.b"))
        .hasMessage("attribute 'warehouse.a.b' not found: 'warehouse.a' is a integer, not a map");
    assertThatThrownBy(() -> m.lookupMap("warehouse.a"))
        .hasMessage("attribute 'warehouse.a' is a integer, not a map");
    assertThatThrownBy(() -> m.lookup("node.x")).hasMessageEndingWith("(it is empty)");
    assertThat(m.lookup("")).isEqualTo(m.tree());
  }

  @Test
  void chefNodeJsonLevelsGoToTheirPrecedence() throws IOException {
    Path node =
        file(
            "node.json",
            "{\"name\": \"web1\", \"chef_environment\": \"prod\", \"json_class\": \"Chef::Node\","
                + " \"run_list\": [\"recipe[warehouse]\"],\n"
                + " \"default\": {\"w\": {\"d\": 1, \"n\": 1, \"o\": 1}},\n"
                + " \"normal\": {\"w\": {\"n\": 2, \"o\": 2}},\n"
                + " \"override\": {\"w\": {\"o\": 3}},\n"
                + " \"automatic\": {\"hostname\": \"stale\", \"w\": {\"a\": 4}}}\n");
    Path later = file("z.yml", "w:\n  d: later-normal\n");
    Map<String, Object> inlineDefault = Map.of("w", Map.of("d", "inline", "i", "inline"));
    MergedAttributes m =
        loader.load(inlineDefault, List.of(node, later), Map.of(), Map.of("hostname", "fresh"));
    assertThat(m.lookupMap("w"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("d", "later-normal", "n", 2L, "o", 3L, "i", "inline"));
    assertThat(m.tree().keySet()).containsExactly("w", "node");
    assertThat(m.lookup("node.hostname")).isEqualTo("fresh");
    assertThat(m.explain("w.o").toString())
        .isEqualTo(
            "w.o: set by default ("
                + node
                + ":2), normal ("
                + node
                + ":3), override ("
                + node
                + ":4), winner: override ("
                + node
                + ":4)");
  }

  @Test
  void inlineOverrideBeatsNodeOverride() throws IOException {
    Path node = file("node.json", "{\"override\": {\"a\": 1}, \"normal\": {\"b\": 1}}");
    MergedAttributes m = loader.load(Map.of(), List.of(node), Map.of("a", 2), Map.of());
    assertThat(m.lookup("a")).isEqualTo(2L);
    assertThat(m.lookup("b")).isEqualTo(1L);
  }

  @Test
  void plainJsonWithRunListIsNormalAttributes() throws IOException {
    Path j = file("first-boot.json", "{\"run_list\": [\"recipe[x]\"], \"warehouse\": {\"a\": 1}}");
    MergedAttributes m = loader.load(Map.of(), List.of(j), Map.of(), Map.of());
    assertThat(m.tree().keySet()).containsExactly("warehouse", "node");
    assertThat(m.explain("warehouse.a").winner().orElseThrow().level())
        .isEqualTo(AttributeLevel.NORMAL);
  }

  @Test
  void chefNodeWithUnknownTopLevelKeyIsAnError() throws IOException {
    Path j = file("n.json", "{\"normal\": {}, \n\"warehouse\": {}}");
    assertThatThrownBy(() -> loader.load(Map.of(), List.of(j), Map.of(), Map.of()))
        .hasMessageStartingWith(j + ":2:1: unexpected top-level key 'warehouse' in a Chef node");
  }

  @Test
  void inlineMapsAreNormalizedAndChecked() {
    Map<String, Object> inline = new LinkedHashMap<>();
    inline.put("i", 7);
    inline.put("f", 1.5f);
    inline.put("s", Map.of("$secret", "db"));
    inline.put("r", new SecretRef("api"));
    MergedAttributes m =
        AttributeLoader.merge(
            AttributeDocument.inline("agent.yml inline", inline),
            List.of(),
            AttributeDocument.inline("agent.yml inline", null),
            null);
    assertThat(m.lookup("i")).isEqualTo(7L);
    assertThat(m.lookup("f")).isEqualTo(1.5);
    assertThat(m.lookup("s")).isEqualTo(new SecretRef("db"));
    assertThat(m.toString()).contains("s=<secret:db>", "r=<secret:api>");
    assertThatThrownBy(
            () ->
                AttributeDocument.inline(
                    "agent.yml inline", Map.of("a", Map.of("d", new Object()))))
        .hasMessageStartingWith("agent.yml inline: 'a.d' has unsupported type java.lang.Object");
    Map<String, Object> self = new LinkedHashMap<>();
    self.put("me", self);
    assertThatThrownBy(() -> AttributeDocument.inline("x", self))
        .hasMessageContaining("contains itself");
  }

  @Test
  void mergedTreeIsImmutable() {
    MergedAttributes m =
        AttributeLoader.merge(
            AttributeDocument.inline("x", Map.of("a", List.of(1))),
            List.of(),
            AttributeDocument.inline("x", Map.of()),
            Map.of());
    assertThatThrownBy(() -> m.tree().put("b", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) m.lookup("a");
    assertThatThrownBy(() -> list.add(2)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fileErrorsPropagateWithTheirLocation() throws IOException {
    Path bad = file("bad.yml", "a: [\n");
    assertThatThrownBy(() -> loader.load(Map.of(), List.of(bad), Map.of(), Map.of()))
        .isInstanceOf(AttributeException.class)
        .hasMessageStartingWith(bad + ":");
  }
}
