package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Dpkg's first-line helper reads as String.lines().findFirst() does. */
class DpkgFirstLineTest {
  @Test
  void firstLineIsWhatStringLinesGivesFirst() {
    for (String s :
        List.of(
            "",
            "a",
            "a\n",
            "a\nb",
            "\nb",
            "a\r\nb",
            "a\rb",
            "warehouse\tinstall ok installed\t1.0\n")) {
      assertThat(Dpkg.firstLine(s)).as(s).isEqualTo(s.lines().findFirst().orElse(""));
    }
  }
}
