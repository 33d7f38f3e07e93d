package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The freshly built agent, run for real inside a sandboxed host against the fixture repository:
 * writes agent.yml and the repository key inside, runs {@code bin/agent} with arguments.
 */
public final class AgentInSandbox {
  public static final String CONFIG = "/etc/warehouse-agent/agent.yml";
  public static final String KEY = "/etc/warehouse-agent/keys/warehouse-archive.gpg";
  public static final String ATTRIBUTES = "/etc/warehouse-agent/attributes.d";
  public static final String CONFIG_YML = "/opt/warehouse/etc/config.yml";

  private final SandboxHost host;
  private final String launcher;

  public AgentInSandbox(SandboxHost host) {
    this(host, Path.of(System.getProperty("agent.launcher", "target/bin/agent")));
  }

  /** The agent started by another launcher (a benchmark's baseline build, for instance). */
  public AgentInSandbox(SandboxHost host, Path launcher) {
    this.host = host;
    this.launcher = launcher.toAbsolutePath().toString();
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " is missing: run the Maven package phase first");
    }
  }

  /**
   * The usual agent.yml of these tests: the fixture repository, warehouse, its config, its unit.
   */
  public static String standardConfig(String repoUri, String extra) {
    return """
        interval: 30m
        repositories:
          - name: warehouse
            uri: %s
            suite: stable
            components: [main]
            signed_by: %s
            poll_timeout: 5s
        packages:
          - name: warehouse
            version: latest
        config_files:
          - path: %s
            attribute: warehouse.config
            owner: root
            group: root
            mode: "0640"
        services:
          - name: warehouse-web
            restart_on: [warehouse, %s]
        attributes:
          files: [%s]
        apt:
          lock_timeout: 5s
        lock_timeout: 20s
        """
            .formatted(repoUri, KEY, CONFIG_YML, CONFIG_YML, ATTRIBUTES)
        + extra;
  }

  /**
   * {@link #standardConfig} for {@code host}'s repository with warehouse-web's health URL checked
   * for at most {@code healthTimeout} (e.g. {@code "4s"}) after each restart.
   */
  public static String healthCheckedConfig(SandboxHost host, String healthTimeout) {
    return standardConfig(host.server().uri().toString(), "")
        .replace(
            "    restart_on: [warehouse, " + CONFIG_YML + "]\n",
            "    restart_on: [warehouse, "
                + CONFIG_YML
                + "]\n    health_url: "
                + host.healthUrl()
                + "\n    health_timeout: "
                + healthTimeout
                + "\n");
  }

  /** The attribute file that gives config.yml a site and {@code host}'s web port. */
  public static Map<String, String> webAttributes(SandboxHost host) {
    return Map.of(
        "10-warehouse.yml",
        "warehouse:\n  config:\n    site: pypi\n    port: " + host.webPort() + "\n");
  }

  /** Installs the repository key and {@code agentYml} inside, plus attribute files. */
  public void configure(String agentYml, Map<String, String> attributeFiles) {
    Sandbox s = host.sandbox();
    try {
      Path key = s.hostPath(KEY);
      Files.createDirectories(key.getParent());
      Files.copy(host.repository().keyring(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(s.hostPath(ATTRIBUTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.writeFile(CONFIG, agentYml);
    attributeFiles.forEach((name, content) -> s.writeFile(ATTRIBUTES + "/" + name, content));
  }

  /** Runs {@code agent ARGS --config CONFIG} inside. */
  public ExecResult run(String... args) {
    return runWith(CONFIG, args);
  }

  /** Runs {@code agent ARGS --config CONFIG_PATH} inside. */
  public ExecResult runWith(String configPath, String... args) {
    return runWith(configPath, Map.of(), args);
  }

  /** Runs {@code agent ARGS --config CONFIG} inside with {@code env} (e.g. JVM options) added. */
  public ExecResult runWithEnv(Map<String, String> env, String... args) {
    return runWith(CONFIG, env, args);
  }

  private ExecResult runWith(String configPath, Map<String, String> env, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(launcher);
    argv.addAll(List.of(args));
    argv.add("--config");
    argv.add(configPath);
    ExecResult r = host.sandbox().exec(argv, env, Duration.ofMinutes(3));
    // Shown in the test log: what an operator would have seen.
    System.out.println("$ agent " + String.join(" ", args) + "  -> exit " + r.exitCode());
    System.out.print(r.stdout());
    System.out.print(r.stderr());
    return r;
  }

  /** {@code agent converge --now --detailed-exitcodes}. */
  public ExecResult converge(String... extra) {
    List<String> args = new ArrayList<>(List.of("converge", "--now", "--detailed-exitcodes"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** The installed version of warehouse per dpkg inside, or "" when not installed. */
  public String installedVersion() {
    ExecResult r =
        host.sandbox()
            .exec(List.of("dpkg-query", "--showformat=${Version}", "--show", "warehouse"));
    return r.exitCode() == 0 ? r.stdout().strip() : "";
  }

  /** warehouse-web's main PID per systemd inside (0 when not running). */
  public long mainPid() {
    return Long.parseLong(
        host.sandbox()
            .checkOutput("systemctl", "show", "--property=MainPID", "--value", "warehouse-web")
            .strip());
  }

  public String unitActiveState() {
    return host.sandbox().exec(List.of("systemctl", "is-active", "warehouse-web")).stdout().strip();
  }
}
