package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.daemon.ControlClient;
import org.warehouse.agent.daemon.RunOutcome;

/**
 * The benchmarks' and the soak's common setup: the agent's daemon under its unit in a sandboxed
 * host, configured for the fixture repository, and ways to drive and watch it from outside.
 */
final class BenchDaemon {
  /** The attribute file every benchmark rewrites to change config.yml. */
  static final String ATTRIBUTE_FILE = "10-warehouse.yml";

  private final SandboxHost host;
  private final AgentInSandbox agent;
  private final int metricsPort;

  private BenchDaemon(SandboxHost host, AgentInSandbox agent, int metricsPort) {
    this.host = host;
    this.agent = agent;
    this.metricsPort = metricsPort;
  }

  /**
   * Configures the agent (standard config plus {@code settings}, which may set interval, splay,
   * first_run_delay...; metrics on a free port, health_url on warehouse-web) with the attributes of
   * src/bench/peers/attributes.yml at {@code release}, starts the daemon and waits for its first
   * run.
   */
  static BenchDaemon start(SandboxHost host, String settings, int release) {
    return start(host, settings, release, "30s");
  }

  /** {@link #start(SandboxHost, String, int)} with warehouse-web's health_timeout. */
  static BenchDaemon start(SandboxHost host, String settings, int release, String healthTimeout) {
    AgentInSandbox agent = new AgentInSandbox(host);
    int port = SandboxHost.freeLoopbackPort();
    String yml =
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
                .replace("interval: 30m\n", "")
                .replace(
                    "    restart_on: [warehouse, " + AgentInSandbox.CONFIG_YML + "]\n",
                    "    restart_on: [warehouse, "
                        + AgentInSandbox.CONFIG_YML
                        + "]\n    health_url: "
                        + host.healthUrl()
                        + "\n    health_timeout: "
                        + healthTimeout
                        + "\n")
            + settings
            + "metrics:\n  listen: 127.0.0.1:"
            + port
            + "\n";
    agent.configure(yml, Map.of(ATTRIBUTE_FILE, attributes(release)));
    Sandbox s = host.sandbox();
    DaemonUnit.install(s);
    s.checkOutput("systemctl", "start", DaemonUnit.UNIT);
    Await.until(
        "the daemon's first converge",
        Duration.ofMinutes(3),
        () -> Files.exists(s.hostPath("/var/lib/warehouse-agent/last-run.json")));
    return new BenchDaemon(host, agent, port);
  }

  /** src/bench/peers/attributes.yml with {@code release} filled in. */
  static String attributes(int release) {
    try {
      return Files.readString(Fixtures.projectDir().resolve("src/bench/peers/attributes.yml"))
          .replace("RELEASE", Integer.toString(release));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** config.yml as every tool of the benchmark must render it for {@code release}. */
  static String expectedConfig(int release) {
    try {
      return Files.readString(Fixtures.projectDir().resolve("src/bench/peers/config.yml.j2"))
          .replace("{{ release }}", Integer.toString(release));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites the attribute file: the next converge re-renders config.yml and restarts. */
  void setRelease(int release) {
    host.sandbox().writeFile(AgentInSandbox.ATTRIBUTES + "/" + ATTRIBUTE_FILE, attributes(release));
  }

  AgentInSandbox agent() {
    return agent;
  }

  long pid() {
    return DaemonUnit.mainPid(host.sandbox());
  }

  /**
   * One converge through the daemon's control socket, from this JVM (no CLI JVM start): what {@code
   * agent converge --now} does, for loops of thousands of runs.
   */
  RunReport convergeViaSocket() {
    try {
      Optional<ControlClient> client =
          ControlClient.connect(host.sandbox().hostPath("/run/warehouse-agent"));
      if (client.isEmpty()) {
        throw new IllegalStateException("no daemon listening");
      }
      try (ControlClient c = client.get()) {
        RunOutcome outcome = c.converge(false, new RunListener() {}, notice -> {});
        if (outcome.report() == null) {
          throw new IllegalStateException("the daemon answered " + outcome);
        }
        return outcome.report();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One sample of the metrics endpoint's {@code name} (first series), or NaN. */
  double metric(String name) {
    String text = httpGet("http://127.0.0.1:" + metricsPort + "/metrics").orElse("");
    for (String line : text.split("\n", -1)) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  /** The body of a GET on loopback, or empty on any failure (refused, non-2xx). */
  static Optional<String> httpGet(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        if (c.getResponseCode() / 100 != 2) {
          return Optional.empty();
        }
        return Optional.of(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The version warehouse-web's /_health/ answers with, or "" when it does not answer 2xx. */
  static String healthyVersion(SandboxHost host) {
    return httpGet(host.healthUrl())
        .map(
            body -> {
              java.util.regex.Matcher m =
                  java.util.regex.Pattern.compile("\"version\": \"([^\"]+)\"").matcher(body);
              return m.find() ? m.group(1) : "";
            })
        .orElse("");
  }
}
