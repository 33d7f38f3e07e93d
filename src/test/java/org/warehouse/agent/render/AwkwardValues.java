package org.warehouse.agent.render;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.warehouse.agent.attributes.SecretRef;

/** Generates values that YAML 1.1 readers are most likely to misread, and compares trees. */
final class AwkwardValues {
  /** Strings YAML 1.1 (PyYAML) would read as something else, or that break naive emitters. */
  static final List<String> STRINGS =
      List.of(
          "no",
          "yes",
          "on",
          "off",
          "y",
          "n",
          "Y",
          "N",
          "NO",
          "Yes",
          "On",
          "OFF",
          "true",
          "True",
          "TRUE",
          "false",
          "False",
          "~",
          "null",
          "Null",
          "NULL",
          "",
          " ",
          "0755",
          "0x1F",
          "0o17",
          "0b101",
          "1e3",
          "1.5e3",
          "1.0e+3",
          "1_000",
          "+1",
          "-1",
          "1",
          "0",
          "00",
          "-0",
          ".5",
          "1.",
          "2018-09-14",
          "2018-09-14 10:00:00",
          "2018-09-14T10:00:00Z",
          "2001-12-14t21:59:43.10-05:00",
          ".inf",
          "-.inf",
          "+.inf",
          ".Inf",
          ".nan",
          ".NaN",
          "1:30",
          "190:20:30",
          "-1:30",
          "1:30.5",
          "<<",
          "=",
          "a: b",
          "a #b",
          "a#b",
          "a:b",
          "- a",
          "-",
          "--",
          "---",
          "...",
          "? a",
          "?",
          ":",
          ": a",
          "*a",
          "&a",
          "!a",
          "!!str",
          "%a",
          "@a",
          "`a",
          "[a]",
          "{a}",
          "'a'",
          "\"a\"",
          "|",
          ">",
          "|-",
          ">+",
          "#",
          "# comment",
          ",",
          "a,b",
          "[",
          "]",
          "{",
          "}",
          " leading",
          "trailing ",
          "\ttab",
          "tab\t",
          "multi\nline",
          "trailing newline\n",
          "\n",
          "\r\n",
          "\r",
          "cr\rcr",
          "nul\u0000byte",
          "bell\u0007",
          "esc\u001b[0m",
          "del\u007f",
          "c1\u0080\u009f",
          "nel\u0085",
          "ls\u2028ps\u2029",
          "bom\ufeff",
          "\ufffe\uffff",
          "nbsp\u00a0",
          "caf\u00e9",
          "na\u00efve",
          "\u4e2d\u6587",
          "\ud55c\uad6d\uc5b4",
          "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
          "e\u0301",
          "\ud83d\ude00",
          "\ud83d\udc4d\ud83c\udffd",
          "\ud800",
          "\udc00",
          "a\ud800b",
          "\ud83d",
          "\\",
          "\\n",
          "back\\slash",
          "quote\"mid",
          "it's",
          "a\"b'c",
          "http://example.org:8000/path?q=1#frag",
          "postgres://u:p@db/warehouse",
          "/opt/warehouse/etc",
          "C:\\path",
          "key=value",
          "100%",
          "$HOME",
          "{{ jinja }}",
          "%(name)s",
          "a  b",
          "a\u3000b",
          "\u200b",
          "x".repeat(2000),
          "y\n".repeat(50),
          "S3cr3t!@#$%^&*()",
          "0.1",
          "1e-7",
          "-",
          "null ",
          " null",
          "~ ",
          "True ",
          "NaN",
          "nan",
          "inf",
          "Infinity",
          "-Infinity",
          "0.0.0.0",
          "127.0.0.1",
          "::1",
          "fe80::1%eth0",
          "12:34:56",
          "1-2-3",
          "+",
          "+-1",
          "0x",
          "0o",
          "0b",
          "_",
          "__init__",
          "_1",
          "a.b.c",
          "a/b",
          "a-b",
          "A_B-c.d/e",
          "yes_no",
          "on-off",
          "nullable",
          "Trueish",
          "NOPE");

  private static final String[] POOLS = {
    "abcxyzABCXYZ019_-./",
    " \t\n\r",
    ":#-?*&!%@`[]{}'\"|>,=<~\\",
    "\u0000\u0001\u0007\u0008\u000b\u000c\u001b\u001f\u007f\u0080\u0085\u009f",
    "\u2028\u2029\ufeff\ufffe\uffff\u00a0\u3000\u200b",
    "\u00e9\u00fc\u00df\u4e2d\u6587\ud55c\u0301\u0627",
    "0123456789.:-+_eExXobB",
    "yesnotrufalsYESNOTRUFALSonf~",
  };

  private static final String[] NON_BMP = {
    "\ud83d\ude00", "\ud83d\ude80", "\ud83d\udc4d", "\ud835\udd38", "\ud800\udc00", "\udbff\udfff"
  };

  private static final double[] DOUBLES = {
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    0.5,
    1.5,
    100.0,
    1e16,
    1e22,
    Double.parseDouble("1e23"),
    Double.parseDouble("2e23"),
    1e-7,
    1e-300,
    1e300,
    123456789.123,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    Double.MIN_NORMAL,
    Math.PI,
    Math.E,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.parseDouble("2.82879384806159e17"),
    Double.parseDouble("9007199254740993.0"),
    4.35,
    0.3,
    1.0 / 3
  };

  private AwkwardValues() {}

  /** Fills {@code tree} with a few thousand awkward values; secrets get values in the map. */
  static void fill(Map<String, Object> tree, Random random, Map<String, String> secretValues) {
    for (int i = 0; i < STRINGS.size(); i++) {
      tree.put(String.format("fixed%04d", i), STRINGS.get(i));
    }
    Map<String, Object> asKeys = new LinkedHashMap<>();
    for (String s : STRINGS) {
      asKeys.put(s, s);
    }
    tree.put("fixed_as_keys", asKeys);
    List<Object> strings = new ArrayList<>();
    Map<String, Object> randomKeys = new LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      String s = randomString(random);
      strings.add(s);
      randomKeys.put(s, i);
    }
    tree.put("random_strings", strings);
    tree.put("random_keys", randomKeys);
    List<Object> numbers = new ArrayList<>();
    for (double d : DOUBLES) {
      numbers.add(d);
    }
    for (int i = 0; i < 300; i++) {
      numbers.add(Double.longBitsToDouble(random.nextLong()));
      numbers.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      numbers.add(random.nextLong());
      numbers.add((long) random.nextInt(2000) - 1000);
    }
    numbers.addAll(
        List.of(
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            0L,
            -1L,
            7,
            (short) 3,
            (byte) -2,
            new BigInteger("123456789012345678901234567890"),
            new BigInteger("-98765432109876543210987654321"),
            1.25f,
            true,
            false));
    numbers.add(null);
    tree.put("numbers", numbers);
    tree.put("empty_map", Map.of());
    tree.put("empty_list", List.of());
    tree.put(
        "nested_empties", List.of(List.of(), Map.of(), List.of(List.of()), Map.of("e", Map.of())));
    tree.put("long_key_map", Map.of("k".repeat(1500), "v", "q\"".repeat(600), Map.of("a", 1L)));
    tree.put(
        "list_of_long_key_maps", List.of(Map.of("z".repeat(1200), List.of(1L, "no"), "b", "c")));
    for (int i = 0; i < 200; i++) {
      tree.put("nested" + i, randomTree(random, 0, secretValues));
    }
    List<Object> secrets = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String name = "s" + i;
      secretValues.put(
          name,
          i < STRINGS.size()
              ? STRINGS.get(i * 7 % STRINGS.size()) + "-p" + i
              : randomString(random));
      secrets.add(new SecretRef(name));
    }
    secretValues.put("s0", "hunter2 \"quoted\" \\ \n end");
    tree.put("secrets", secrets);
    tree.put("secret_in_map", Map.of("password", new SecretRef("s0")));
  }

  static String randomString(Random random) {
    int length = random.nextInt(25);
    StringBuilder sb = new StringBuilder();
    String pool = POOLS[random.nextInt(POOLS.length)];
    for (int i = 0; i < length; i++) {
      if (random.nextInt(4) == 0) {
        pool = POOLS[random.nextInt(POOLS.length)];
      }
      int r = random.nextInt(40);
      if (r == 0) {
        sb.append(NON_BMP[random.nextInt(NON_BMP.length)]);
      } else if (r == 1) {
        sb.append(random.nextBoolean() ? '\ud800' : '\udfff'); // lone surrogate
      } else {
        sb.append(pool.charAt(random.nextInt(pool.length())));
      }
    }
    return sb.toString();
  }

  private static Object randomTree(Random random, int depth, Map<String, String> secretValues) {
    int kind = depth >= 4 ? 3 : random.nextInt(6);
    switch (kind) {
      case 0, 1 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          m.put(
              random.nextInt(3) == 0 ? randomString(random) : "k" + i,
              randomTree(random, depth + 1, secretValues));
        }
        return m;
      }
      case 2 -> {
        List<Object> l = new ArrayList<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          l.add(randomTree(random, depth + 1, secretValues));
        }
        return l;
      }
      default -> {
        return switch (random.nextInt(6)) {
          case 0 -> STRINGS.get(random.nextInt(STRINGS.size()));
          case 1 -> random.nextLong();
          case 2 -> random.nextGaussian();
          case 3 -> random.nextBoolean();
          case 4 -> null;
          default -> randomString(random);
        };
      }
    }
  }

  /** {@code tree} with every SecretRef replaced by its value. */
  @SuppressWarnings("unchecked")
  static <T> T resolveSecrets(T tree, Map<String, String> secretValues) {
    if (tree instanceof SecretRef ref) {
      return (T) secretValues.get(ref.name());
    } else if (tree instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, resolveSecrets(v, secretValues)));
      return (T) out;
    } else if (tree instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(resolveSecrets(v, secretValues)));
      return (T) out;
    }
    return tree;
  }

  /** Every value in the tree, containers included. */
  static int count(Object tree) {
    int n = 1;
    if (tree instanceof Map<?, ?> map) {
      for (Object v : map.values()) {
        n += count(v);
      }
    } else if (tree instanceof List<?> list) {
      for (Object v : list) {
        n += count(v);
      }
    }
    return n;
  }

  /**
   * Null when {@code actual} equals {@code expected} value for value and type (all integer types
   * are one type; floats compare bit for bit, NaN equal to NaN), else where and how they differ.
   */
  static String mismatch(Object expected, Object actual, String path) {
    Object e = normalize(expected);
    Object a = normalize(actual);
    if (e instanceof Map<?, ?> em && a instanceof Map<?, ?> am) {
      if (!em.keySet().equals(am.keySet())) {
        List<Object> missing = new ArrayList<>(em.keySet());
        missing.removeAll(am.keySet());
        List<Object> extra = new ArrayList<>(am.keySet());
        extra.removeAll(em.keySet());
        return path + ": keys differ: missing " + show(missing) + ", extra " + show(extra);
      }
      for (Object k : em.keySet()) {
        String m = mismatch(em.get(k), am.get(k), path + "." + show(k));
        if (m != null) {
          return m;
        }
      }
      return null;
    } else if (e instanceof List<?> el && a instanceof List<?> al) {
      if (el.size() != al.size()) {
        return path + ": list sizes differ: " + el.size() + " vs " + al.size();
      }
      for (int i = 0; i < el.size(); i++) {
        String m = mismatch(el.get(i), al.get(i), path + "[" + i + "]");
        if (m != null) {
          return m;
        }
      }
      return null;
    } else if (e instanceof Double ed && a instanceof Double ad) {
      return Double.compare(ed, ad) == 0 ? null : path + ": " + ed + " vs " + ad;
    }
    if (e != null && a != null && e.getClass() != a.getClass()) {
      return path
          + ": type "
          + e.getClass().getSimpleName()
          + " "
          + show(e)
          + " vs "
          + a.getClass().getSimpleName()
          + " "
          + show(a);
    }
    return Objects.equals(e, a) ? null : path + ": " + show(e) + " vs " + show(a);
  }

  private static Object normalize(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    } else if (v instanceof Float f) {
      return f.doubleValue();
    }
    return v;
  }

  private static String show(Object o) {
    if (o instanceof String s) {
      StringBuilder sb = new StringBuilder("\"");
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
      }
      return sb.append('"').toString();
    }
    return o instanceof Object[] arr ? Arrays.toString(arr) : String.valueOf(o);
  }
}
