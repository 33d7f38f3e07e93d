package org.warehouse.agent.apt;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code Date} and {@code Valid-Until} fields of a Release or InRelease file (either may be
 * null: Valid-Until is optional, and an unreadable field is left to apt to refuse).
 */
public record ReleaseFields(Instant date, Instant validUntil) {
  /** The fields of a file that says neither. */
  public static final ReleaseFields NONE = new ReleaseFields(null, null);

  /**
   * Reads the two fields from the top of {@code text}, an InRelease (clearsigned) or Release file.
   * Only lines that start with the field name count: checksum lines are indented, and the signature
   * block ends the signed text.
   */
  public static ReleaseFields parse(String text) {
    Instant date = null;
    Instant validUntil = null;
    for (String line : text.lines().toList()) {
      if (line.startsWith("-----BEGIN PGP SIGNATURE-----")) {
        break;
      }
      if (date == null && line.startsWith("Date:")) {
        date = parseDate(line.substring("Date:".length()));
      } else if (validUntil == null && line.startsWith("Valid-Until:")) {
        validUntil = parseDate(line.substring("Valid-Until:".length()));
      }
    }
    return new ReleaseFields(date, validUntil);
  }

  /**
   * Parses a Release date as apt writes and reads it, {@code Sat, 07 Dec 2026 01:02:03 UTC}: RFC
   * 1123 with UTC, GMT, Z or a numeric offset; null when it is none of these.
   */
  public static Instant parseDate(String value) {
    String s = value.strip();
    for (String utc : new String[] {" UTC", " Z"}) {
      if (s.endsWith(utc)) {
        s = s.substring(0, s.length() - utc.length()) + " GMT";
      }
    }
    try {
      return ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
