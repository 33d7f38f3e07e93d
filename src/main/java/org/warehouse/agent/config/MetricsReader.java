package org.warehouse.agent.config;

import java.util.Set;

/** Reads agent.yml's {@code metrics} mapping: where the endpoint listens. */
final class MetricsReader {
  static final Set<String> KEYS = Set.of("listen");

  private static final String DEFAULT_LISTEN = "127.0.0.1:9557";

  private MetricsReader() {}

  /** {@code metrics.listen} as HOST:PORT. */
  static String listen(YamlMap top) throws ConfigException {
    YamlMap metrics = top.map("metrics");
    if (metrics == null) {
      return DEFAULT_LISTEN;
    }
    metrics.allowOnly(KEYS);
    String listen = metrics.string("listen", DEFAULT_LISTEN);
    if (!listen.matches("(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):\\d{1,5}")
        || Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)) > 65535) {
      throw metrics.error(
          metrics.node("listen"), "metrics.listen", "expected HOST:PORT, found '" + listen + "'");
    }
    return listen;
  }
}
