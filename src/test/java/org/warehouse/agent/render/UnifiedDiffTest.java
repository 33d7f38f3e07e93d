package org.warehouse.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.attributes.SecretRef;

class UnifiedDiffTest {
  private static final String SECRET = "hunter2-Pa55";

  @Test
  void equalTextsHaveNoDiff() {
    assertThat(UnifiedDiff.diff("a", "x\ny\n", "b", "x\ny\n", 3)).isEmpty();
    assertThat(UnifiedDiff.diff("a", "", "b", "", 3)).isEmpty();
  }

  @Test
  void showsAChangeWithContext() {
    String old = "a\nb\nc\nd\ne\nf\ng\nh\n";
    String now = "a\nb\nc\nd\nE\nf\ng\nh\n";
    assertThat(UnifiedDiff.diff("old", old, "new", now, 3))
        .isEqualTo("--- old\n+++ new\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
  }

  @Test
  void farApartChangesMakeTwoHunksAndNearOnesOne() {
    StringBuilder a = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      a.append(i).append('\n');
    }
    String b = a.toString().replace("\n2\n", "\ntwo\n").replace("\n19\n", "\nnineteen\n");
    assertThat(UnifiedDiff.diff("a", a.toString(), "b", b, 3))
        .isEqualTo(
            """
            --- a
            +++ b
            @@ -1,5 +1,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -16,5 +16,5 @@
             16
             17
             18
            -19
            +nineteen
             20
            """);
    String c = a.toString().replace("\n2\n", "\ntwo\n").replace("\n8\n", "\neight\n");
    assertThat(UnifiedDiff.diff("a", a.toString(), "c", c, 3))
        .contains("@@ -1,11 +1,11 @@")
        .containsOnlyOnce("@@ -");
  }

  @Test
  void creationDeletionAndMissingFinalNewline() {
    assertThat(UnifiedDiff.diff("/dev/null", "", "new", "a\nb\n", 3))
        .isEqualTo("--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n");
    assertThat(UnifiedDiff.diff("old", "a\n", "new", "", 3))
        .isEqualTo("--- old\n+++ new\n@@ -1 +0,0 @@\n-a\n");
    assertThat(UnifiedDiff.diff("old", "a\nb", "new", "a\nb\n", 3))
        .isEqualTo("--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  }

  @Test
  void randomDiffsApplyAndAreMinimal() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<String> a = randomLines(random);
      List<String> b = mutate(a, random);
      String at = String.join("", a);
      String bt = String.join("", b);
      String diff = UnifiedDiff.diff("a", at, "b", bt, random.nextInt(4));
      assertThat(apply(at, diff)).as("round %d:\n%s", round, diff).isEqualTo(bt);
      long changed =
          diff.lines().filter(l -> l.startsWith("+") || l.startsWith("-")).count()
              - (diff.isEmpty() ? 0 : 2);
      assertThat(changed).as("round %d minimal", round).isEqualTo(editDistance(a, b));
    }
  }

  @Test
  void diffAgainstAnEarlierRenderNeverShowsSecretValues() {
    YamlRenderer renderer = new YamlRenderer("managed");
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("db", Map.of("password", new SecretRef("db"), "host", "db1"));
    before.put("tokens", List.of(new SecretRef("tok"), "public"));
    Map<String, Object> after = new LinkedHashMap<>(before);
    after.put("db", Map.of("password", new SecretRef("db"), "host", "db2"));
    byte[] onDisk =
        renderer.render(before, r -> r.name().equals("db") ? SECRET : "tok-OLD-value").content();

    // Same secret values, another change: the secret line is context, redacted.
    RenderedFile same =
        renderer.render(after, r -> r.name().equals("db") ? SECRET : "tok-OLD-value");
    String diff = UnifiedDiff.of("/opt/warehouse/etc/config.yml", onDisk, same);
    assertThat(diff)
        .startsWith(
            "--- /opt/warehouse/etc/config.yml (current)\n+++ /opt/warehouse/etc/config.yml (rendered)\n")
        .contains("-  host: db1\n+  host: db2\n", "   password: <secret:db>\n")
        .doesNotContain(SECRET, "tok-OLD-value");

    // Rotated secrets: both sides redacted, the change still visible.
    RenderedFile rotated =
        renderer.render(before, r -> r.name().equals("db") ? "new-" + SECRET : "tok-NEW");
    String rotation = UnifiedDiff.of("c.yml", onDisk, rotated);
    assertThat(rotation)
        .contains("-  password: <secret:db (old value)>\n+  password: <secret:db>\n")
        .contains("-  - <secret:tok (old value)>\n+  - <secret:tok>\n")
        .doesNotContain(SECRET, "tok-OLD-value", "tok-NEW");

    assertThat(UnifiedDiff.of("c.yml", same.content(), same)).isEmpty();
    assertThat(UnifiedDiff.of("c.yml", null, same))
        .startsWith("--- /dev/null\n+++ c.yml (rendered)\n")
        .doesNotContain(SECRET);
  }

  @Test
  void secretValuesElsewhereInTheOldFileAreMasked() {
    RenderedFile file =
        new YamlRenderer(null).render(Map.of("p", new SecretRef("db")), r -> "with \"quote\"");
    byte[] old =
        "p: old\nnote: my password is with \"quote\" ok\nq: \"with \\\"quote\\\"\"\n"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(file.redact(old))
        .isEqualTo(
            "p: <secret:db (old value)>\nnote: my password is <secret:db> ok\nq: <secret:db>\n");
  }

  @Test
  void contentDifferingOnlyInHiddenWaysGetsANote() {
    RenderedFile file = new YamlRenderer(null).render(Map.of("p", new SecretRef("db")), r -> "s");
    byte[] old = "p: \"s\"\n".getBytes(StandardCharsets.UTF_8);
    byte[] invalidUtf8 = new byte[] {'p', ':', ' ', '"', 's', '"', '\n', (byte) 0xff};
    assertThat(UnifiedDiff.of("c.yml", old, file)).isEmpty();
    assertThat(UnifiedDiff.of("c.yml", invalidUtf8, file)).contains("+++").contains("-\ufffd");
  }

  private static List<String> randomLines(Random random) {
    List<String> lines = new ArrayList<>();
    int n = random.nextInt(30);
    for (int i = 0; i < n; i++) {
      lines.add("l" + random.nextInt(6) + "\n");
    }
    return lines;
  }

  private static List<String> mutate(List<String> a, Random random) {
    List<String> b = new ArrayList<>(a);
    int edits = random.nextInt(8);
    for (int i = 0; i < edits; i++) {
      int op = random.nextInt(3);
      if (op == 0 || b.isEmpty()) {
        b.add(random.nextInt(b.size() + 1), "n" + random.nextInt(4) + "\n");
      } else if (op == 1) {
        b.remove(random.nextInt(b.size()));
      } else {
        b.set(random.nextInt(b.size()), "c" + random.nextInt(4) + "\n");
      }
    }
    return b;
  }

  /** Insertions plus deletions of a shortest edit script, by LCS. */
  private static long editDistance(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    return a.size() + b.size() - 2L * lcs[0][0];
  }

  /** Applies a unified diff made by UnifiedDiff (all lines end with a newline). */
  private static String apply(String old, String diff) {
    if (diff.isEmpty()) {
      return old;
    }
    List<String> a = old.lines().toList();
    List<String> out = new ArrayList<>();
    int next = 0;
    List<String> d = diff.lines().toList();
    for (int i = 2; i < d.size(); i++) {
      String l = d.get(i);
      if (l.startsWith("@@")) {
        String oldRange = l.split(" ", -1)[1].substring(1);
        int start = Integer.parseInt(oldRange.split(",", -1)[0]);
        int len = oldRange.contains(",") ? Integer.parseInt(oldRange.split(",", -1)[1]) : 1;
        int from = len == 0 ? start : start - 1;
        while (next < from) {
          out.add(a.get(next++));
        }
      } else if (l.startsWith(" ")) {
        assertThat(a.get(next)).isEqualTo(l.substring(1));
        out.add(a.get(next++));
      } else if (l.startsWith("-")) {
        assertThat(a.get(next)).isEqualTo(l.substring(1));
        next++;
      } else if (l.startsWith("+")) {
        out.add(l.substring(1));
      }
    }
    while (next < a.size()) {
      out.add(a.get(next++));
    }
    StringBuilder sb = new StringBuilder();
    out.forEach(s -> sb.append(s).append('\n'));
    return sb.toString();
  }
}
