package org.warehouse.agent.version;

import static java.nio.charset.StandardCharsets.UTF_8;

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

  /** A parsed version: {@code bytes} is {@code original} in UTF-8, the ranges index into it. */
  DebianVersion(
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
    return VersionParser.parse(text, true);
  }

  /**
   * Parses {@code text} as {@code dpkg --compare-versions} does: rejects dpkg's errors, accepts
   * what dpkg only warns about and keeps that warning in {@link #syntaxWarning}.
   *
   * @throws InvalidVersionException with dpkg's reason
   */
  public static DebianVersion parseLax(String text) {
    return VersionParser.parse(text, false);
  }

  /** True when {@code text} passes {@link #parse} (the strict parser). */
  public static boolean isValid(String text) {
    try {
      VersionParser.parse(text, true);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
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
    int r =
        VersionOrder.verrevcmp(
            bytes, upstreamStart, upstreamEnd, o.bytes, o.upstreamStart, o.upstreamEnd);
    if (r == 0) {
      r =
          VersionOrder.verrevcmp(
              bytes, revisionStart, revisionEnd, o.bytes, o.revisionStart, o.revisionEnd);
    }
    return Integer.signum(r);
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
          31 * (31 * epoch + VersionOrder.hashFragment(bytes, upstreamStart, upstreamEnd))
              + VersionOrder.hashFragment(bytes, revisionStart, revisionEnd);
      if (h == 0) {
        hashIsZero = true;
      } else {
        hash = h;
      }
    }
    return h;
  }

  /** The text exactly as given to {@link #parse}, blanks included. */
  @Override
  public String toString() {
    return original;
  }
}
