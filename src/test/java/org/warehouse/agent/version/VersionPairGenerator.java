package org.warehouse.agent.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of version pairs for the differential test against dpkg: random pairs, and
 * (mostly) near-equal pairs that differ by one or two small edits, where comparison bugs hide.
 */
final class VersionPairGenerator {
  private static final String[] EPOCHS = {
    "0", "1", "2", "3", "10", "00", "007", "99", "2147483647", "+1", "-0"
  };
  private static final String[] WORDS = {
    "rc", "beta", "alpha", "pre", "dfsg", "deb", "b", "git", "svn", "ubuntu", "nmu", "a", "z", "A",
    "Z", "p", "r", "bpo", "u", "really", "post", "dev", "OOo", "bCd"
  };
  private static final String[] SUFFIXES = {
    "~", "~~", "+", ".", "-0", "-1", "0", ".0", "a", "+b1", "~rc1", "~0", "+0", ".00", "-0~",
    "-0+b1", "~a", "A", "+~", "++", "-z", ":0", "~1", ".1"
  };
  private static final String EDIT_CHARS = "~+.-:0123456789aAzZ";
  private static final String[] BREAKERS = {
    " ", "_", "@", "!", "/", "=", "%", ",", "\t", "\n", "\r", "\u000b", "\f", ";", "'", "*"
  };

  private final Random rnd;

  VersionPairGenerator(long seed) {
    this.rnd = new Random(seed);
  }

  /** {@code count} pairs; the same seed always gives the same pairs. */
  List<String[]> pairs(int count) {
    List<String[]> out = new ArrayList<>(count);
    while (out.size() < count) {
      String[] p = pair();
      // dpkg --compare-versions reads "" and "<unknown>" as "no version": a CLI matter, kept out.
      if (p[0].isEmpty() || p[1].isEmpty()) {
        continue;
      }
      out.add(rnd.nextBoolean() ? p : new String[] {p[1], p[0]});
    }
    return out;
  }

  private String[] pair() {
    int kind = rnd.nextInt(100);
    if (kind < 20) {
      return new String[] {version(), version()};
    }
    if (kind < 82) {
      String a = version();
      String b = mutate(a);
      if (rnd.nextInt(3) == 0) {
        b = mutate(b);
      }
      return new String[] {a, b};
    }
    if (kind < 90) {
      return longDigitPair();
    }
    if (kind < 94) {
      String a = version();
      return new String[] {a, a};
    }
    String a = version();
    return new String[] {malform(a), rnd.nextInt(4) == 0 ? malform(a) : mutate(a)};
  }

  String version() {
    StringBuilder sb = new StringBuilder();
    boolean epoch = rnd.nextInt(5) == 0;
    if (epoch) {
      sb.append(pick(EPOCHS)).append(':');
    }
    sb.append(digits());
    int tokens = rnd.nextInt(6);
    for (int i = 0; i < tokens; i++) {
      sb.append(upstreamToken(epoch));
    }
    if (rnd.nextBoolean()) {
      sb.append('-');
      int revTokens = 1 + rnd.nextInt(3);
      for (int i = 0; i < revTokens; i++) {
        sb.append(revisionToken(i == 0));
      }
    }
    return sb.toString();
  }

  private String upstreamToken(boolean epoch) {
    int k = rnd.nextInt(20);
    if (k < 7) {
      return "." + digits();
    }
    if (k < 9) {
      return pick(WORDS) + (rnd.nextBoolean() ? digits() : "");
    }
    if (k < 11) {
      return "~" + pick(WORDS) + (rnd.nextBoolean() ? digits() : "");
    }
    if (k < 13) {
      return "+" + pick(WORDS) + (rnd.nextBoolean() ? digits() : "");
    }
    if (k < 14) {
      return "~";
    }
    if (k < 15) {
      return "+" + digits();
    }
    if (k < 16) {
      // A hyphen inside the upstream part: only the last one starts the revision.
      return "-" + digits();
    }
    if (k < 17 && epoch) {
      return ":" + digits();
    }
    if (k < 18) {
      return "." + pick(WORDS);
    }
    return digits();
  }

  private String revisionToken(boolean first) {
    int k = rnd.nextInt(10);
    if (first || k < 4) {
      return rnd.nextInt(8) == 0 ? pick(WORDS) : digits();
    }
    if (k < 6) {
      return "+" + pick(WORDS) + digits();
    }
    if (k < 8) {
      return "." + digits();
    }
    if (k < 9) {
      return "~" + pick(WORDS) + (rnd.nextBoolean() ? digits() : "");
    }
    return "+" + digits();
  }

  private String digits() {
    int k = rnd.nextInt(100);
    if (k < 55) {
      return Integer.toString(rnd.nextInt(10));
    }
    if (k < 75) {
      return Integer.toString(10 + rnd.nextInt(990));
    }
    if (k < 85) {
      return "0".repeat(1 + rnd.nextInt(3)) + rnd.nextInt(100);
    }
    if (k < 90) {
      return "0".repeat(1 + rnd.nextInt(3));
    }
    if (k < 95) {
      return Integer.toString(20000000 + rnd.nextInt(10000000));
    }
    return longDigits(15 + rnd.nextInt(30));
  }

  private String longDigits(int n) {
    StringBuilder sb = new StringBuilder(n);
    sb.append((char) ('1' + rnd.nextInt(9)));
    for (int i = 1; i < n; i++) {
      sb.append((char) ('0' + rnd.nextInt(10)));
    }
    return sb.toString();
  }

  // Two long digit runs sharing a prefix: same length differing late, or lengths one apart.
  private String[] longDigitPair() {
    String prefix = rnd.nextBoolean() ? "" : digits() + ".";
    String run = longDigits(20 + rnd.nextInt(25));
    char[] other = run.toCharArray();
    int k = rnd.nextInt(4);
    String b;
    if (k == 0) {
      int pos = other.length - 1 - rnd.nextInt(Math.min(5, other.length - 1));
      other[pos] = (char) ('0' + rnd.nextInt(10));
      b = new String(other);
    } else if (k == 1) {
      b = run + rnd.nextInt(10);
    } else if (k == 2) {
      b = "0".repeat(1 + rnd.nextInt(5)) + run;
    } else {
      b = run.substring(0, run.length() - 1);
    }
    String tail = rnd.nextBoolean() ? "" : pick(SUFFIXES);
    return new String[] {prefix + run + tail, prefix + b + (rnd.nextBoolean() ? tail : "")};
  }

  String mutate(String v) {
    if (v.isEmpty()) {
      return "0";
    }
    int len = v.length();
    return switch (rnd.nextInt(12)) {
      case 0, 1 -> v + pick(SUFFIXES);
      case 2 -> {
        int pos = rnd.nextInt(len + 1);
        yield v.substring(0, pos) + editChar() + v.substring(pos);
      }
      case 3 -> {
        if (len < 2) {
          yield v + "0";
        }
        int pos = 1 + rnd.nextInt(len - 1);
        yield v.substring(0, pos) + v.substring(pos + 1);
      }
      case 4 -> {
        int pos = rnd.nextInt(len);
        yield v.substring(0, pos) + editChar() + v.substring(pos + 1);
      }
      case 5, 6 -> editDigitRun(v);
      case 7 -> {
        int colon = v.indexOf(':');
        if (colon >= 0) {
          yield rnd.nextBoolean() ? v.substring(colon + 1) : pick(EPOCHS) + v.substring(colon);
        }
        yield pick(EPOCHS) + ":" + v;
      }
      case 8 -> {
        int hyphen = v.lastIndexOf('-');
        if (hyphen >= 0) {
          yield rnd.nextBoolean() ? v.substring(0, hyphen) : v + "." + digits();
        }
        yield v + (rnd.nextBoolean() ? "-0" : "-" + digits());
      }
      case 9 -> {
        int pos = rnd.nextInt(len);
        char c = v.charAt(pos);
        char swapped =
            Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        yield v.substring(0, pos) + swapped + v.substring(pos + 1);
      }
      case 10 -> {
        int pos = rnd.nextInt(len);
        yield v.substring(0, pos + 1) + v.substring(pos);
      }
      default -> {
        int pos = 1 + rnd.nextInt(len);
        yield v.substring(0, pos) + (rnd.nextBoolean() ? "~" : pick(WORDS)) + v.substring(pos);
      }
    };
  }

  private char editChar() {
    return EDIT_CHARS.charAt(rnd.nextInt(EDIT_CHARS.length()));
  }

  // Adds leading zeros to, bumps, or lengthens one digit run.
  private String editDigitRun(String v) {
    List<int[]> runs = new ArrayList<>();
    int i = 0;
    while (i < v.length()) {
      if (Character.isDigit(v.charAt(i))) {
        int s = i;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
          i++;
        }
        runs.add(new int[] {s, i});
      } else {
        i++;
      }
    }
    if (runs.isEmpty()) {
      return v + "0";
    }
    int[] r = runs.get(rnd.nextInt(runs.size()));
    String run = v.substring(r[0], r[1]);
    String replacement;
    int k = rnd.nextInt(4);
    if (k == 0) {
      replacement = "0".repeat(1 + rnd.nextInt(3)) + run;
    } else if (k == 1) {
      replacement = new BigInteger(run).add(BigInteger.ONE).toString();
    } else if (k == 2) {
      replacement = run + longDigits(1 + rnd.nextInt(25));
    } else {
      replacement = run.length() > 1 ? run.substring(1) : "0";
    }
    return v.substring(0, r[0]) + replacement + v.substring(r[1]);
  }

  // Breaks a version in one of the ways dpkg errors or warns about, or pads it with blanks.
  String malform(String v) {
    int pos = rnd.nextInt(v.length() + 1);
    return switch (rnd.nextInt(18)) {
      case 0 -> ":" + v;
      case 1 -> v + "-";
      case 2 -> "-" + v;
      case 3 -> pick(WORDS) + v;
      case 4 -> "-" + (1 + rnd.nextInt(5)) + ":" + v;
      case 5 -> longDigits(10 + rnd.nextInt(15)) + ":" + v;
      case 6 -> pick(WORDS) + ":" + v;
      case 7 -> v.substring(0, pos) + pick(BREAKERS) + v.substring(pos);
      case 8 -> (rnd.nextBoolean() ? " " : "\t") + v + (rnd.nextBoolean() ? "  " : "");
      case 9 -> rnd.nextBoolean() ? v + ":" : "1:";
      case 10 -> "0:-" + v;
      case 11 -> " ".repeat(1 + rnd.nextInt(2));
      case 12 -> "2147483648:" + v;
      case 13 -> "\n" + v;
      case 14 -> v + pick(BREAKERS);
      case 15 -> "~" + v;
      case 16 -> "1:" + pick(WORDS) + v;
      default -> v.replace('.', pick(BREAKERS).charAt(0));
    };
  }

  private String pick(String[] options) {
    return options[rnd.nextInt(options.length)];
  }
}
