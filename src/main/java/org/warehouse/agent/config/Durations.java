package org.warehouse.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the agent's durations: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 500ms}.
 */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|h|m|s|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s|d)");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.strip();
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (expected e.g. 90s, 30m, 1h30m, 500ms)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(s);
    while (m.find()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too large a duration", e);
      }
      total =
          switch (m.group(2)) {
            case "ms" -> total.plusMillis(n);
            case "s" -> total.plusSeconds(n);
            case "m" -> total.plusMinutes(n);
            case "h" -> total.plusHours(n);
            default -> total.plusDays(n);
          };
    }
    return total;
  }

  /** The shortest text that {@link #parse} reads back as {@code d}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    long ms = d.toMillisPart();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0) {
      sb.append(s).append('s');
    }
    if (ms > 0) {
      sb.append(ms).append("ms");
    }
    return sb.toString();
  }
}
