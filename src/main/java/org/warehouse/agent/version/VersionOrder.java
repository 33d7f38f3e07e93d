package org.warehouse.agent.version;

import static org.warehouse.agent.version.VersionParser.isAsciiLetter;
import static org.warehouse.agent.version.VersionParser.isDigit;

import java.util.Arrays;

/**
 * dpkg's {@code verrevcmp} ({@code lib/dpkg/version.c}) over byte ranges, and a hash that agrees
 * with it.
 */
final class VersionOrder {
  // dpkg's order(): digits and the end of the string weigh 0, '~' sorts first, letters by their
  // ASCII code, then bytes >= 0x80 (a signed char c gives c + 256), then other ASCII.
  private static final int[] ORDER = new int[256];

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
    }
  }

  private VersionOrder() {}

  // dpkg's verrevcmp over a[i, aEnd) and b[j, bEnd); reading past the end yields C's NUL. Digit
  // runs are compared digit by digit after skipping zeros, so their length is unbounded.
  static int verrevcmp(byte[] a, int i, int aEnd, byte[] b, int j, int bEnd) {
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

  // Versions that compare equal differ only in leading zeros of digit runs and in a trailing
  // all-zero digit run ("1.0" = "1." , "1.0-0" = "1.0"), so hashing every byte except leading zeros
  // of digit runs gives equal versions equal hashes.
  static int hashFragment(byte[] a, int i, int end) {
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
}
