package org.warehouse.agent.version;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * dpkg's {@code parseversion} ({@code lib/dpkg/parsehelp.c}): splits a version's text into epoch,
 * upstream and revision, with dpkg's errors and, for the lax parser, its warnings.
 */
final class VersionParser {
  private static final int MAX_EPOCH = Integer.MAX_VALUE;

  // Which bytes parseversion lets through without a warning in the upstream part and revision.
  private static final boolean[] UPSTREAM_OK = new boolean[256];
  private static final boolean[] REVISION_OK = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      UPSTREAM_OK[c] = isDigit(c) || isAsciiLetter(c) || ".-+~:".indexOf(c) >= 0;
      REVISION_OK[c] = isDigit(c) || isAsciiLetter(c) || ".+~".indexOf(c) >= 0;
    }
  }

  private VersionParser() {}

  /** Parses {@code text}; {@code strict} also rejects what dpkg only warns about. */
  static DebianVersion parse(String text, boolean strict) {
    if (text == null) {
      throw new InvalidVersionException("version string is null");
    }
    if (text.indexOf('\0') >= 0) {
      throw new InvalidVersionException("version string contains a NUL character");
    }
    byte[] b = text.getBytes(UTF_8);
    int n = b.length;
    int start = 0;
    while (start < n && isBlank(b[start])) {
      start++;
    }
    if (start == n) {
      throw new InvalidVersionException("version string is empty");
    }
    int end = start;
    while (end < n && !isBlank(b[end])) {
      end++;
    }
    for (int i = end; i < n; i++) {
      if (!isBlank(b[i])) {
        throw new InvalidVersionException("version string has embedded spaces");
      }
    }

    int epoch = 0;
    int versionStart = start;
    int colon = indexOf(b, (byte) ':', start, end);
    if (colon >= 0) {
      epoch = parseEpoch(b, start, colon);
      // dpkg tests the byte after the colon before trimming, so "1: " is "version number is
      // empty", not "nothing after colon".
      if (colon + 1 == n) {
        throw new InvalidVersionException("nothing after colon in version number");
      }
      versionStart = colon + 1;
    }

    int upstreamEnd = end;
    int revisionStart = end;
    int hyphen = lastIndexOf(b, (byte) '-', versionStart, end);
    if (hyphen >= 0) {
      upstreamEnd = hyphen;
      revisionStart = hyphen + 1;
      if (revisionStart == end) {
        throw new InvalidVersionException("revision number is empty");
      }
    }
    if (upstreamEnd == versionStart) {
      throw new InvalidVersionException("version number is empty");
    }

    String warning = syntaxWarning(b, versionStart, upstreamEnd, revisionStart, end);
    if (warning != null && strict) {
      throw new InvalidVersionException(warning, true);
    }
    return new DebianVersion(
        text, b, epoch, versionStart, upstreamEnd, revisionStart, end, warning);
  }

  // C's strtol(string, &endptr, 10) followed by parseversion's checks on its result.
  private static int parseEpoch(byte[] b, int start, int colon) {
    int i = start;
    while (i < colon && isCSpace(b[i])) {
      i++;
    }
    boolean negative = false;
    if (i < colon && (b[i] == '+' || b[i] == '-')) {
      negative = b[i] == '-';
      i++;
    }
    int digits = i;
    long value = 0;
    while (i < colon && isDigit(b[i])) {
      if (value <= MAX_EPOCH) {
        value = value * 10 + (b[i] - '0');
      }
      i++;
    }
    if (i == digits) {
      throw new InvalidVersionException("epoch in version is empty");
    }
    if (i != colon) {
      throw new InvalidVersionException("epoch in version is not number");
    }
    if (negative && value != 0) {
      throw new InvalidVersionException("epoch in version is negative");
    }
    if (value > MAX_EPOCH) {
      throw new InvalidVersionException("epoch in version is too big");
    }
    return (int) value;
  }

  private static String syntaxWarning(
      byte[] b, int upstreamStart, int upstreamEnd, int revisionStart, int revisionEnd) {
    if (!isDigit(b[upstreamStart])) {
      return "version number does not start with digit";
    }
    for (int i = upstreamStart + 1; i < upstreamEnd; i++) {
      if (!UPSTREAM_OK[b[i] & 0xff]) {
        return "invalid character in version number";
      }
    }
    for (int i = revisionStart; i < revisionEnd; i++) {
      if (!REVISION_OK[b[i] & 0xff]) {
        return "invalid character in revision number";
      }
    }
    return null;
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  // dpkg's c_isblank: only space and tab.
  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t';
  }

  // What strtol skips before the number: C isspace.
  private static boolean isCSpace(byte c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static int indexOf(byte[] b, byte c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, byte c, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
