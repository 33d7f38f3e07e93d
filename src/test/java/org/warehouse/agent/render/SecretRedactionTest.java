package org.warehouse.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.attributes.SecretRef;

/**
 * Secrets are redacted by value: the value the file on disk holds where the render now writes a
 * secret (a multi-line PEM key in a block scalar, a quoted value over several lines), and every
 * value, old and new, wherever else it appears, on both sides of a diff.
 */
class SecretRedactionTest {
  private static final String OLD_BODY_1 =
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7OLDKEY1";
  private static final String OLD_BODY_2 =
      "kT9vV2OLDKEY2qfQ4v8mXc3R0bY8wQm1xHh6pZs0Lr9uD4aBvC2dE5fG6hI";
  private static final String NEW_BODY_1 =
      "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDNEWKEY1xx";
  private static final String NEW_BODY_2 =
      "pQ7rS3NEWKEY2tU4vW5xY6zA7bC8dE9fG0hI1jK2lM3nO4pQ5rS6tU7vW8x";
  private static final String OLD_PEM =
      "-----BEGIN PRIVATE KEY-----\n"
          + OLD_BODY_1
          + "\n"
          + OLD_BODY_2
          + "\n-----END PRIVATE KEY-----";
  private static final String NEW_PEM =
      "-----BEGIN PRIVATE KEY-----\n"
          + NEW_BODY_1
          + "\n"
          + NEW_BODY_2
          + "\n-----END PRIVATE KEY-----";

  private static final String OLD = "<secret:tls_key (old value)>";

  private static RenderedFile render(Map<String, Object> tree) {
    return new YamlRenderer("managed").render(tree, r -> NEW_PEM);
  }

  private static Map<String, Object> tree() {
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("cert", "/etc/ssl/app.pem");
    tls.put("key", new SecretRef("tls_key"));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("site", "pypi");
    tree.put("tls", tls);
    return tree;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertNoKey(String shown) {
    assertThat(shown).doesNotContain(OLD_BODY_1, OLD_BODY_2, NEW_BODY_1, NEW_BODY_2);
    assertThat(shown).doesNotContain("OLDKEY", "NEWKEY");
  }

  @Test
  void anOldMultiLineValueInABlockScalarIsMaskedOnEveryLineItSpans() {
    String onDisk =
        "# managed\nsite: pypi\ntls:\n  cert: /etc/ssl/app.pem\n  key: |\n"
            + OLD_PEM.indent(4)
            + "  port: 443\n";
    RenderedFile file = render(tree());

    String old = file.redact(bytes(onDisk));
    assertThat(old)
        .isEqualTo(
            "# managed\nsite: pypi\ntls:\n  cert: /etc/ssl/app.pem\n"
                + "  key: <secret:tls_key (old value)>\n"
                + "    <secret:tls_key (old value)>\n".repeat(4)
                + "  port: 443\n");
    String diff = UnifiedDiff.of("/opt/app/config.yml", bytes(onDisk), file);
    assertNoKey(diff);
    assertThat(diff)
        .contains("-  key: <secret:tls_key (old value)>\n", "+  key: <secret:tls_key>\n")
        .contains("-  port: 443\n");
  }

  @Test
  void anOldValueQuotedOverSeveralLinesIsMaskedToItsClosingQuote() {
    // PyYAML reads a double-quoted scalar's continuation lines at any indentation.
    String onDisk =
        "site: pypi\ntls:\n  cert: /etc/ssl/app.pem\n  key: \"-----BEGIN PRIVATE KEY-----\\n\n"
            + OLD_BODY_1
            + "\\n\n"
            + OLD_BODY_2
            + "\\n-----END PRIVATE KEY-----\" # rotated\nz: 1\n";
    String old = render(tree()).redact(bytes(onDisk));
    assertNoKey(old);
    assertThat(old).contains(String.join("\n", "  key: " + OLD, OLD, OLD + " # rotated", "z: 1\n"));
  }

  @Test
  void oldAndNewValuesAreMaskedWhereverElseTheyAppearOnBothSides() {
    String onDisk =
        "site: pypi\nbackup_of_key: |\n"
            + OLD_PEM.indent(2)
            + "also_new: \""
            + NEW_BODY_2
            + "\"\ntls:\n  cert: /etc/ssl/app.pem\n  key: |\n"
            + OLD_PEM.indent(4);
    Map<String, Object> tree = tree();
    // The old value, now a plain attribute of the render, is masked on the render's side too.
    tree.put("note", "was " + OLD_BODY_1);
    RenderedFile file = render(tree);
    String diff = UnifiedDiff.of("c.yml", bytes(onDisk), file);
    assertNoKey(diff);
    assertThat(diff)
        .contains("-  " + "<secret:tls_key (old value)>\n")
        .contains("-also_new: \"<secret:tls_key>\"\n")
        .contains("+note: \"was <secret:tls_key (old value)>\"\n");
    assertNoKey(file.redactedText(bytes(onDisk)));
  }

  @Test
  void aNewValueInAPlainLineOfTheRenderIsMasked() {
    Map<String, Object> tree = tree();
    tree.put("copy", NEW_PEM);
    RenderedFile file = render(tree);
    assertNoKey(file.redactedText());
    assertThat(file.redactedText())
        .contains("copy: <secret:tls_key>\n", "  key: <secret:tls_key>\n");
    assertThat(new String(file.content(), StandardCharsets.UTF_8)).contains(NEW_BODY_1);
  }

  @Test
  void aFileThatIsNotYamlStillHasTheLinesAfterASecretKeyMasked() {
    String onDisk =
        "site: [pypi\ntls:\n  cert: /etc/ssl/app.pem\n  key: |\n" + OLD_PEM.indent(4) + "  x: 1\n";
    String old = render(tree()).redact(bytes(onDisk));
    assertNoKey(old);
    assertThat(old)
        .contains(
            "  key: <secret:tls_key (old value)>\n"
                + "    <secret:tls_key (old value)>\n".repeat(4)
                + "  x: 1\n");
  }

  @Test
  void aFlowStyleOldFileKeepsWhatSharesTheValuesLine() {
    String onDisk = "{site: pypi, tls: {cert: /c.pem, key: \"" + OLD_BODY_1 + "\"}, z: 1}\n";
    assertThat(render(tree()).redact(bytes(onDisk)))
        .isEqualTo("{site: pypi, tls: {cert: /c.pem, key: <secret:tls_key (old value)>}, z: 1}\n");
  }

  @Test
  void theSameValueUnderTheSameKeyIsTheCurrentSecretNotAnOldOne() {
    RenderedFile file = render(tree());
    String onDisk = "# managed\nsite: pypi\ntls:\n  cert: /x\n  key: |-\n" + NEW_PEM.indent(4);
    String old = file.redact(bytes(onDisk));
    assertNoKey(old);
    assertThat(old).contains("  key: <secret:tls_key>\n    <secret:tls_key>\n");
    assertThat(List.of(old.split("\n"))).hasSize(9);
  }

  @Test
  void randomOldValuesInEveryYamlStyleNeverShow() {
    java.util.Random random = new java.util.Random(17);
    for (int round = 0; round < 300; round++) {
      List<String> oldLines = new java.util.ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(5); i++) {
        oldLines.add("OLD" + token(random));
      }
      String newValue = "NEW" + token(random) + "\nNEW" + token(random);
      int style = random.nextInt(6);
      String value =
          switch (style) {
            case 0 -> "|\n" + String.join("\n", oldLines).indent(4);
            case 1 -> ">-\n" + String.join("\n\n", oldLines).indent(4);
            case 2 ->
                "\"" + String.join("\\n\n" + " ".repeat(random.nextInt(6)), oldLines) + "\"\n";
            case 3 -> "'" + String.join("\n\n  ", oldLines) + "'\n";
            case 4 -> String.join("\n    ", oldLines) + "\n";
            default -> "|\n" + String.join("\n", oldLines).indent(4) + "bad: [\n";
          };
      String onDisk = "app:\n  a: x\n  key: " + value + (style == 5 ? "" : "  z: y\n");
      Map<String, Object> app = new LinkedHashMap<>();
      app.put("a", "x");
      app.put("key", new SecretRef("k"));
      app.put("z", "y2");
      RenderedFile file = new YamlRenderer("m").render(Map.of("app", app), r -> newValue);
      String diff = UnifiedDiff.of("c.yml", bytes(onDisk), file);
      assertThat(diff)
          .as("style %d:%n%s", style, onDisk)
          .doesNotContain("OLD", "NEW")
          .contains("<secret:k (old value)>");
    }
  }

  private static String token(java.util.Random random) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
    }
    return sb.toString();
  }
}
