package org.warehouse.agent.version;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.Optional;

/**
 * A Debian package version ({@code [epoch:]upstream[-revision]}), parsed and ordered exactly as
 * dpkg 1.21 does it ({@code lib/dpkg/parsehelp.c parseversion} and {@code lib/dpkg/version.c
 * verrevcmp}).
 *
 * <p>Ordering: epochs numerically; then upstream, then revision, each compared as alternating runs
 * of non-digits (character by character, {@code ~} before everything including the end of the
 * string, then the end, then ASCII letters, then every other byte) and digit runs (numerically at
 * any length, leading zeros ignored, a missing run counts as 0). So {@code 1.0 = 1.0-0 = 0:1.0 =
 * 1.00}, {@code 1.0~rc1 < 1.0 < 1.0+b1 < 1.0a}. Comparison works on the UTF-8 bytes with C's signed
 * {@code char}, as dpkg does on amd64, so even a lax version with non-ASCII text orders like dpkg.
 * {@link #equals} and {@link #hashCode} agree with {@link #compareTo}: {@code 1.0} equals {@code
 * 1.0-0}; {@link #toString} still returns the text as given.
 *
 * <p>Parsing, checked case by case against {@code dpkg --compare-versions} (dpkg 1.21.22/23). dpkg
 * has two kinds of problems, and so do we:
 *
 * <ul>
 *   <li>Errors, rejected by both {@link #parse} and {@link #parseLax} ({@code dpkg
 *       --compare-versions} exits 2): version string is empty (also only blanks), version string
 *       has embedded spaces, epoch in version is empty ({@code :1}, and {@code a:1}, because dpkg's
 *       {@code strtol} reads no digits), epoch in version is not number ({@code 1a:1}), epoch in
 *       version is negative ({@code -1:1}), epoch in version is too big (over 2147483647), nothing
 *       after colon in version number ({@code 1:}), revision number is empty ({@code 1.0-}),
 *       version number is empty ({@code -1}, {@code 0:-1}).
 *   <li>Warnings, accepted by {@link #parseLax} (dpkg's lax parser: {@code --compare-versions}
 *       prints a warning and compares anyway, and the status database is read this way) and
 *       rejected by {@link #parse} (dpkg's strict parser, used by {@code dpkg -i} and {@code
 *       dpkg-deb --build} unless {@code --force-bad-version}): version number does not start with
 *       digit, invalid character in version number (allowed: ASCII letters and digits and {@code
 *       .+-~:}), invalid character in revision number (allowed: ASCII letters and digits and {@code
 *       .+~}). Only the first problem is reported, in dpkg's order.
 * </ul>
 *
 * <p>Blanks are dpkg's: only space and tab are trimmed at both ends or count as embedded; any other
 * control character is an invalid character. The epoch is read like C's {@code strtol}, so {@code
 * +1:0} and {@code -0:1} are valid (epochs 1 and 0) as they are for dpkg, and so is a newline (or
 * CR, VT, FF) before the epoch's digits. A NUL character cannot reach dpkg through argv at all; it
 * is rejected here as an error. The empty string and {@code <unknown>} mean "no version" only to
 * {@code dpkg --compare-versions}; that is handled by the CLI command, not here.
 */
public final class DebianVersion implements Comparable<DebianVersion> {
  private static final int MAX_EPOCH = Integer.MAX_VALUE;

  // dpkg's order(): digits and the end of the string weigh 0, '~' sorts first, letters by their
  // ASCII code, then bytes >= 0x80 (a signed char c gives c + 256), then other ASCII.
  private static final int[] ORDER = new int[256];

  // Which bytes parseversion lets through without a warning in the upstream part and revision.
  private static final boolean[] UPSTREAM_OK = new boolean[256];
  private static final boolean[] REVISION_OK = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      if (isDigit(c)) {
        ORDER[c] = 0;
      } else if (isAsciiLetter(c)) {
        ORDER[c] = c;
      } else if (c == '~') {
        ORDER[c] = -1;
      } else if (c >= 0x80) {
        ORDER[c] = c;
      } else {
        ORDER[c] = c + 256;
      }
      UPSTREAM_OK[c] = isDigit(c) || isAsciiLetter(c) || ".-+~:".indexOf(c) >= 0;
      REVISION_OK[c] = isDigit(c) || isAsciiLetter(c) || ".+~".indexOf(c) >= 0;
    }
  }

  private final String original;
  private final byte[] bytes;
  private final int epoch;
  private final int upstreamStart;
  private final int upstreamEnd;
  private final int revisionStart;
  private final int revisionEnd;
  private final String warning;

  // Cached like String.hash: racy but idempotent, so no synchronisation is needed.
  private int hash;
  private boolean hashIsZero;

  private DebianVersion(
      String original,
      byte[] bytes,
      int epoch,
      int upstreamStart,
      int upstreamEnd,
      int revisionStart,
      int revisionEnd,
      String warning) {
    this.original = original;
    this.bytes = bytes;
    this.epoch = epoch;
    this.upstreamStart = upstreamStart;
    this.upstreamEnd = upstreamEnd;
    this.revisionStart = revisionStart;
    this.revisionEnd = revisionEnd;
    this.warning = warning;
  }

  /**
   * Parses {@code text} strictly, as dpkg does for a package it installs or builds: rejects dpkg's
   * errors and also what dpkg merely warns about.
   *
   * @throws InvalidVersionException with dpkg's reason
   */
  public static DebianVersion parse(String text) {
    return parse(text, true);
  }

  /**
   * Parses {@code text} as {@code dpkg --compare-versions} does: rejects dpkg's errors, accepts
   * what dpkg only warns about and keeps that warning in {@link #syntaxWarning}.
   *
   * @throws InvalidVersionException with dpkg's reason
   */
  public static DebianVersion parseLax(String text) {
    return parse(text, false);
  }

  /** True when {@code text} passes {@link #parse} (the strict parser). */
  public static boolean isValid(String text) {
    try {
      parse(text, true);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  private static DebianVersion parse(String text, boolean strict) {
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

  /** The epoch, 0 when the text has none. */
  public long epoch() {
    return epoch;
  }

  /** The upstream version: after the epoch's colon, before the last hyphen. */
  public String upstream() {
    return new String(bytes, upstreamStart, upstreamEnd - upstreamStart, UTF_8);
  }

  /** The Debian revision after the last hyphen, empty when there is none. */
  public String revision() {
    return new String(bytes, revisionStart, revisionEnd - revisionStart, UTF_8);
  }

  /** What dpkg would warn about this version; empty for every version {@link #parse} accepts. */
  public Optional<String> syntaxWarning() {
    return Optional.ofNullable(warning);
  }

  /** Orders as {@code dpkg_version_compare}; returns -1, 0 or 1. */
  @Override
  public int compareTo(DebianVersion o) {
    if (epoch != o.epoch) {
      return epoch < o.epoch ? -1 : 1;
    }
    int r = verrevcmp(bytes, upstreamStart, upstreamEnd, o.bytes, o.upstreamStart, o.upstreamEnd);
    if (r == 0) {
      r = verrevcmp(bytes, revisionStart, revisionEnd, o.bytes, o.revisionStart, o.revisionEnd);
    }
    return Integer.signum(r);
  }

  // dpkg's verrevcmp over a[i, aEnd) and b[j, bEnd); reading past the end yields C's NUL. Digit
  // runs are compared digit by digit after skipping zeros, so their length is unbounded.
  private static int verrevcmp(byte[] a, int i, int aEnd, byte[] b, int j, int bEnd) {
    // Identical bytes compare equal and verrevcmp walks them in lockstep, so skip the common
    // prefix (a vectorised mismatch) and restart at the start of the digit run it ends in, since a
    // digit run must be compared whole.
    int m = Arrays.mismatch(a, i, aEnd, b, j, bEnd);
    if (m < 0) {
      return 0;
    }
    while (m > 0 && isDigit(a[i + m - 1])) {
      m--;
    }
    i += m;
    j += m;
    while (i < aEnd || j < bEnd) {
      int firstDiff = 0;
      while ((i < aEnd && !isDigit(a[i])) || (j < bEnd && !isDigit(b[j]))) {
        int ac = i < aEnd ? ORDER[a[i] & 0xff] : 0;
        int bc = j < bEnd ? ORDER[b[j] & 0xff] : 0;
        if (ac != bc) {
          return ac - bc;
        }
        i++;
        j++;
      }
      while (i < aEnd && a[i] == '0') {
        i++;
      }
      while (j < bEnd && b[j] == '0') {
        j++;
      }
      while (i < aEnd && j < bEnd && isDigit(a[i]) && isDigit(b[j])) {
        if (firstDiff == 0) {
          firstDiff = a[i] - b[j];
        }
        i++;
        j++;
      }
      if (i < aEnd && isDigit(a[i])) {
        return 1;
      }
      if (j < bEnd && isDigit(b[j])) {
        return -1;
      }
      if (firstDiff != 0) {
        return firstDiff;
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
    int h = hash;
    if (h == 0 && !hashIsZero) {
      h =
          31 * (31 * epoch + hashFragment(bytes, upstreamStart, upstreamEnd))
              + hashFragment(bytes, revisionStart, revisionEnd);
      if (h == 0) {
        hashIsZero = true;
      } else {
        hash = h;
      }
    }
    return h;
  }

  // Versions that compare equal differ only in leading zeros of digit runs and in a trailing
  // all-zero digit run ("1.0" = "1." , "1.0-0" = "1.0"), so hashing every byte except leading zeros
  // of digit runs gives equal versions equal hashes.
  private static int hashFragment(byte[] a, int i, int end) {
    int h = 0;
    while (i < end) {
      if (isDigit(a[i])) {
        while (i < end && a[i] == '0') {
          i++;
        }
        while (i < end && isDigit(a[i])) {
          h = 31 * h + a[i];
          i++;
        }
      } else {
        h = 31 * h + a[i];
        i++;
      }
    }
    return h;
  }

  /** The text exactly as given to {@link #parse}, blanks included. */
  @Override
  public String toString() {
    return original;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetter(int c) {
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
