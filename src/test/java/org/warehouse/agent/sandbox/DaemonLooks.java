package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.warehouse.agent.state.Json;

/** What a test reads of a sandboxed host's daemon: its last run, its metrics, one sample. */
final class DaemonLooks {
  static final String LAST_RUN = "/var/lib/warehouse-agent/last-run.json";

  private DaemonLooks() {}

  static JsonNode lastRun(SandboxHost host) {
    try {
      return Json.mapper().readTree(host.sandbox().readFile(LAST_RUN));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The daemon's /metrics on {@code port}, inside the sandbox; it must answer 200. */
  static String metrics(SandboxHost host, int port) {
    HttpResponse r = host.sandbox().httpGet("http://127.0.0.1:" + port + "/metrics");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** The value of {@code series} (name and labels as scraped) in {@code scrape}; NaN if absent. */
  static double sample(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
