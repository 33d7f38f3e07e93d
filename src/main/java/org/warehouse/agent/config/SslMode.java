package org.warehouse.agent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** libpq's (and pgjdbc's) sslmode for the rollout database; the label is agent.yml's word. */
public enum SslMode {
  DISABLE,
  ALLOW,
  PREFER,
  REQUIRE,
  VERIFY_CA,
  VERIFY_FULL;

  /** The mode named {@code label} (disable, allow, prefer, require, verify-ca, verify-full). */
  public static Optional<SslMode> parse(String label) {
    return Arrays.stream(values()).filter(m -> m.label().equals(label)).findFirst();
  }

  /** Every label, for messages. */
  public static String labels() {
    return Arrays.stream(values()).map(SslMode::label).collect(Collectors.joining(", "));
  }

  /** agent.yml's and pgjdbc's word for it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the server's certificate is checked against a CA (and, for verify-full, its name). */
  public boolean verifies() {
    return this == VERIFY_CA || this == VERIFY_FULL;
  }

  @Override
  public String toString() {
    return label();
  }
}
