package org.warehouse.agent.render;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes scalars so that PyYAML's {@code safe_load} (YAML 1.1) reads back exactly the same value
 * and type. A string is written plain only when it is an identifier-like token that no YAML 1.1
 * resolver claims; every other string is double-quoted with escapes.
 */
final class YamlScalars {
  /**
   * Letters first, then letters, digits, {@code _ . / -}: no YAML indicator, no number, no date.
   */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*");

  /**
   * Words YAML 1.1 reads as booleans or null (PyYAML's plus {@code y}/{@code n} of the spec),
   * compared case-insensitively so that any spelling is quoted.
   */
  private static final Set<String> RESERVED =
      Set.of("yes", "no", "on", "off", "true", "false", "y", "n", "null");

  private YamlScalars() {}

  /** Whether {@code s} can be written without quotes and read back as the same string. */
  static boolean isPlainSafe(String s) {
    return PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT));
  }

  /** {@code s} plain if that is safe, else double-quoted. */
  static String string(String s) {
    return isPlainSafe(s) ? s : quote(s);
  }

  /**
   * {@code s} double-quoted. Printable characters (as PyYAML's reader defines them) are written as
   * they are; {@code "} and {@code \} are escaped, and so is every other character: controls, C1,
   * the line separators U+0085, U+2028, U+2029 (YAML would fold them), U+FEFF, U+FFFE, U+FFFF and
   * lone surrogates, as {@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}.
   */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (printable(c)) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04X", (int) c));
      }
    }
    return sb.append('"').toString();
  }

  /** Printable for PyYAML's reader, and not a line break: safe to write as it is. */
  static boolean printable(int c) {
    return (c >= 0x20 && c <= 0x7e)
        || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029)
        || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff)
        || (c >= 0x10000 && c <= 0x10ffff);
  }

  /**
   * A float as PyYAML reads it: {@code .nan}, {@code .inf}, {@code -.inf}, else digits with a dot
   * and, if any, a signed exponent ({@code 1.0e+10}), since YAML 1.1 reads {@code 1.0E10} as a
   * string. The digits are Java's shortest form when it parses back to the same double, else the
   * exact decimal value; both make Python's correctly rounded {@code float()} return that double.
   */
  static String floating(double d) {
    if (Double.isNaN(d)) {
      return ".nan";
    } else if (Double.isInfinite(d)) {
      return d > 0 ? ".inf" : "-.inf";
    }
    String s = Double.toString(d);
    if (Double.doubleToRawLongBits(Double.parseDouble(s)) != Double.doubleToRawLongBits(d)) {
      s = new BigDecimal(d).toPlainString();
    }
    int e = s.indexOf('E');
    String mantissa = e >= 0 ? s.substring(0, e) : s;
    String exponent = e >= 0 ? s.substring(e + 1) : "";
    if (mantissa.indexOf('.') < 0) {
      mantissa = mantissa + ".0";
    }
    if (exponent.isEmpty()) {
      return mantissa;
    }
    return mantissa + "e" + (exponent.startsWith("-") ? exponent : "+" + exponent);
  }
}
