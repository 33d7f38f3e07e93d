package org.warehouse.agent.version;

import java.util.Objects;

/** A Debian package version ([epoch:]upstream[-revision]) with dpkg's validation and ordering. */
public final class DebianVersion implements Comparable<DebianVersion> {
  private final String original;
  private final long epoch;
  private final String upstream;
  private final String revision;

  private DebianVersion(String original, long epoch, String upstream, String revision) {
    this.original = original;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
  }

  /** Parses {@code text} as dpkg does, rejecting what dpkg rejects. */
  public static DebianVersion parse(String text) {
    if (text == null) {
      throw new InvalidVersionException("version is missing");
    }
    String s = text.strip();
    if (s.isEmpty()) {
      throw new InvalidVersionException("version string is empty");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        throw new InvalidVersionException("version string has embedded spaces");
      }
    }
    long epoch = 0;
    int colon = s.indexOf(':');
    String rest = s;
    if (colon >= 0) {
      String e = s.substring(0, colon);
      if (e.isEmpty()) {
        throw new InvalidVersionException("epoch in version is empty");
      }
      for (int i = 0; i < e.length(); i++) {
        if (e.charAt(i) < '0' || e.charAt(i) > '9') {
          throw new InvalidVersionException("epoch in version is not number");
        }
      }
      try {
        epoch = Long.parseLong(e);
      } catch (NumberFormatException ex) {
        throw new InvalidVersionException("epoch in version is too big", ex);
      }
      if (epoch > Integer.MAX_VALUE) {
        throw new InvalidVersionException("epoch in version is too big");
      }
      rest = s.substring(colon + 1);
      if (rest.isEmpty()) {
        throw new InvalidVersionException("nothing after colon in version number");
      }
    }
    int hyphen = rest.lastIndexOf('-');
    String upstream = hyphen >= 0 ? rest.substring(0, hyphen) : rest;
    String revision = hyphen >= 0 ? rest.substring(hyphen + 1) : "";
    if (hyphen >= 0 && revision.isEmpty()) {
      throw new InvalidVersionException("revision number is empty");
    }
    if (upstream.isEmpty()) {
      throw new InvalidVersionException("version number is empty");
    }
    if (upstream.charAt(0) < '0' || upstream.charAt(0) > '9') {
      throw new InvalidVersionException("version number does not start with digit");
    }
    for (int i = 0; i < upstream.length(); i++) {
      char c = upstream.charAt(i);
      if (!isAsciiAlnum(c) && ".-+~:".indexOf(c) < 0) {
        throw new InvalidVersionException("invalid character in version number");
      }
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (!isAsciiAlnum(c) && ".+~".indexOf(c) < 0) {
        throw new InvalidVersionException("invalid character in revision number");
      }
    }
    return new DebianVersion(s, epoch, upstream, revision);
  }

  /** True when {@code text} parses. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  public long epoch() {
    return epoch;
  }

  public String upstream() {
    return upstream;
  }

  public String revision() {
    return revision;
  }

  @Override
  public int compareTo(DebianVersion o) {
    if (epoch != o.epoch) {
      return epoch < o.epoch ? -1 : 1;
    }
    int r = compareFragment(upstream, o.upstream);
    if (r != 0) {
      return r;
    }
    return compareFragment(revision, o.revision);
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  // dpkg's order(): '~' sorts before everything, even the end of the string; letters before
  // non-letters.
  private static int order(char c) {
    if (isDigit(c)) {
      return 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return c;
    } else if (c == '~') {
      return -1;
    } else {
      return c + 256;
    }
  }

  private static int compareFragment(String a, String b) {
    int i = 0;
    int j = 0;
    int la = a.length();
    int lb = b.length();
    while (i < la || j < lb) {
      int firstDiff = 0;
      while ((i < la && !isDigit(a.charAt(i))) || (j < lb && !isDigit(b.charAt(j)))) {
        int ac = i < la ? order(a.charAt(i)) : 0;
        int bc = j < lb ? order(b.charAt(j)) : 0;
        if (ac != bc) {
          return ac < bc ? -1 : 1;
        }
        i++;
        j++;
      }
      while (i < la && a.charAt(i) == '0') {
        i++;
      }
      while (j < lb && b.charAt(j) == '0') {
        j++;
      }
      while (i < la && isDigit(a.charAt(i)) && j < lb && isDigit(b.charAt(j))) {
        if (firstDiff == 0) {
          firstDiff = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (i < la && isDigit(a.charAt(i))) {
        return 1;
      }
      if (j < lb && isDigit(b.charAt(j))) {
        return -1;
      }
      if (firstDiff != 0) {
        return firstDiff < 0 ? -1 : 1;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DebianVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    // Equal versions may differ in text ("1.0" and "1.0-0", "01"), so hash a normal form.
    return Objects.hash(epoch, normalize(upstream), normalize(revision));
  }

  private static String normalize(String fragment) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < fragment.length()) {
      char c = fragment.charAt(i);
      if (isDigit(c)) {
        int start = i;
        while (i < fragment.length() && isDigit(fragment.charAt(i))) {
          i++;
        }
        String digits = fragment.substring(start, i).replaceFirst("^0+", "");
        sb.append(digits.isEmpty() ? "0" : digits);
      } else {
        sb.append(c);
        i++;
      }
    }
    String n = sb.toString();
    return n.equals("0") ? "" : n;
  }

  @Override
  public String toString() {
    return original;
  }
}
