package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.render.AtomicFileWriter;
import org.warehouse.agent.render.YamlRenderer;

class ConfigFileRollbackTest {
  @TempDir Path dir;

  private ConfigFileResource file(Map<String, Object> tree) {
    return new ConfigFileResource(
        dir.resolve("config.yml"),
        new YamlRenderer(null).render(tree, ref -> "s3cret"),
        null,
        null,
        0640,
        new AtomicFileWriter(),
        dir.resolve("backups"));
  }

  @Test
  void aRewriteIsUndoneFromTheWritersBackup() throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "site: pypi\n");
    ConfigFileResource r = file(Map.of("site", "test.pypi"));

    assertThat(r.checkApply(true).outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(r.undo())
        .contains(new Reversible.Undo("rewrite of " + config, "the previous " + config));

    Result back = r.rollback("web failed");

    assertThat(Files.readString(config)).isEqualTo("site: pypi\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-r-----");
    assertThat(back.detail()).isEqualTo("previous content restored");
    assertThat(back.before()).isNotEqualTo(back.after()).startsWith("sha256:");
    assertThat(r.undo()).isEmpty();
    // The next run writes the new content again: the rollback is not sticky for files.
    assertThat(file(Map.of("site", "test.pypi")).checkApply(true).outcome())
        .isEqualTo(Outcome.CHANGED);
  }

  @Test
  void aFileCreatedInThisRunOrUnchangedHasNothingToUndo() throws Exception {
    ConfigFileResource created = file(Map.of("site", "pypi"));
    created.checkApply(true);
    assertThat(created.undo()).isEmpty();
    assertThatThrownBy(() -> created.rollback("x")).hasMessageContaining("nothing to roll back");

    ConfigFileResource same = file(Map.of("site", "pypi"));
    assertThat(same.checkApply(true).outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(same.undo()).isEmpty();
  }
}
