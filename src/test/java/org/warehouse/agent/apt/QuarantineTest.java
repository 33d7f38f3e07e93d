package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuarantineTest {
  @TempDir Path state;

  private Quarantine q() {
    return new Quarantine(
        state, Clock.fixed(Instant.parse("2018-09-14T10:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void entriesAreKeptOwnerOnlyAndComparedAsDebianVersions() throws Exception {
    q().add("warehouse", "18.09.02", "crashed");
    q().add("warehouse", "18.09.02-0", "crashed again");

    assertThat(q().list())
        .containsExactly(
            new Quarantine.Entry(
                "warehouse", "18.09.02-0", "crashed again", Instant.parse("2018-09-14T10:00:00Z")));
    assertThat(q().find("warehouse", "18.09.02")).isPresent();
    assertThat(q().find("warehouse", "18.09.03")).isEmpty();
    assertThat(q().find("other", "18.09.02")).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(q().file())))
        .isEqualTo("rw-------");
    assertThat(Files.readString(q().file()))
        .contains("\"package\" : \"warehouse\"", "\"time\" : \"2018-09-14T10:00:00Z\"");
  }

  @Test
  void clearRemovesOneVersionAndSaysWhetherItWasThere() throws Exception {
    q().add("warehouse", "18.09.02", "crashed");
    assertThat(q().clear("warehouse", "18.09.03")).isFalse();
    assertThat(q().clear("warehouse", "18.09.02")).isTrue();
    assertThat(q().list()).isEmpty();
  }

  @Test
  void aDamagedFileIsAnErrorNotAnEmptyQuarantine() throws Exception {
    Files.writeString(
        q().file(), "{\"quarantined\": [{\"package\": \"w\", \"version\": \"x y\"}]}");
    assertThatThrownBy(() -> q().list())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(q().file() + " is damaged (")
        .hasMessageEndingWith("; repair or remove it");
    Files.writeString(q().file(), "[]");
    assertThatThrownBy(() -> q().find("w", "1")).hasMessageContaining("no \"quarantined\" list");
  }

  @Test
  void noFileIsNoQuarantine() throws Exception {
    assertThat(q().list()).isEmpty();
    assertThat(q().clear("warehouse", "1.0")).isFalse();
    assertThat(q().file()).doesNotExist();
  }
}
