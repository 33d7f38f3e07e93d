package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResourceIdTest {
  @Test
  void writesKindColonNameAndReadsItBack() {
    assertThat(ResourceId.ofPackage("warehouse")).hasToString("package:warehouse");
    assertThat(ResourceId.ofFile("/opt/x.yml")).hasToString("file:/opt/x.yml");
    assertThat(ResourceId.ofService("web.service")).hasToString("service:web.service");
    assertThat(ResourceId.parse("package:warehouse")).isEqualTo(ResourceId.ofPackage("warehouse"));
  }

  @Test
  void theNameKeepsItsOwnColons() {
    ResourceId id = ResourceId.parse("apt-update:a,b:c");
    assertThat(id.kind()).isEqualTo(ResourceId.APT_UPDATE);
    assertThat(id.name()).isEqualTo("a,b:c");
    assertThat(id).hasToString("apt-update:a,b:c");
  }

  @Test
  void textWithoutAKindIsRefused() {
    assertThatThrownBy(() -> ResourceId.parse("warehouse"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ResourceId.parse(":warehouse"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void knowsItsKind() {
    assertThat(ResourceId.ofPackage("w").is(ResourceId.PACKAGE)).isTrue();
    assertThat(ResourceId.ofFile("/w").is(ResourceId.PACKAGE)).isFalse();
  }
}
