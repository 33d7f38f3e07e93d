package org.warehouse.agent.attributes;

/** Makes user-supplied text safe to put in a one-line error message. */
final class Printable {
  private Printable() {}

  /** Escapes control characters and cuts {@code text} to at most {@code max} characters. */
  static String of(String text, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= max) {
      sb.setLength(max);
      sb.append("...");
    }
    return sb.toString();
  }
}
