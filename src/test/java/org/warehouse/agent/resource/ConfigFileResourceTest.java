package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.render.AtomicFileWriter;
import org.warehouse.agent.render.RenderedFile;
import org.warehouse.agent.render.YamlRenderer;

class ConfigFileResourceTest {
  @TempDir Path dir;

  private ConfigFileResource resource(Path target, Map<String, Object> tree) {
    RenderedFile r =
        new YamlRenderer("test")
            .render(
                tree,
                ref -> {
                  throw new AssertionError("no secrets");
                });
    return new ConfigFileResource(
        target, r, null, null, 0640, new AtomicFileWriter(), dir.resolve("backups"));
  }

  @Test
  void convergesOnceThenIsUnchangedAndKeepsTheOldContent() throws Exception {
    Path target = dir.resolve("config.yml");
    Files.writeString(target, "old: 1\n");

    Result why = resource(target, Map.of("site", "pypi")).checkApply(false);
    assertThat(why.outcome()).isEqualTo(Outcome.WOULD_CHANGE);
    assertThat(why.detail()).contains("-old: 1", "+site: pypi");
    assertThat(Files.readString(target)).isEqualTo("old: 1\n");

    assertThat(resource(target, Map.of("site", "pypi")).checkApply(true).outcome())
        .isEqualTo(Outcome.CHANGED);
    assertThat(Files.readString(target)).endsWith("site: pypi\n");
    assertThat(Files.readString(dir.resolve("backups/config.yml"))).isEqualTo("old: 1\n");
    assertThat(resource(target, Map.of("site", "pypi")).checkApply(true).outcome())
        .isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void aMissingDirectoryIsAPlannedCreationInWhyRunAndAFailureWhenApplying() throws Exception {
    Path target = dir.resolve("not-yet/config.yml");

    Result why = resource(target, Map.of("a", 1L)).checkApply(false);
    assertThat(why.outcome()).isEqualTo(Outcome.WOULD_CHANGE);
    assertThat(why.detail()).contains("once " + dir.resolve("not-yet") + " exists");

    assertThatThrownBy(() -> resource(target, Map.of("a", 1L)).checkApply(true))
        .isInstanceOf(ResourceException.class)
        .hasMessageContaining("does not exist");
  }
}
