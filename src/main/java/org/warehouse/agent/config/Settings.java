package org.warehouse.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated, immutable contents of agent.yml. */
public record Settings(
    Path source,
    Duration interval,
    Duration splay,
    Duration firstRunDelay,
    Duration runTimeout,
    Duration resourceTimeout,
    Duration lockTimeout,
    List<Repository> repositories,
    List<PackageSpec> packages,
    List<ConfigFile> configFiles,
    List<Service> services,
    Attributes attributes,
    Apt apt,
    Path stateDir,
    Path runDir,
    Path secretsDir,
    int historyLimit,
    String metricsListen,
    Optional<Rollout> rollout) {

  /** An apt repository the agent manages a source entry and keyring for. */
  public record Repository(
      String name,
      URI uri,
      String suite,
      List<String> components,
      Path signedBy,
      Duration pollTimeout) {}

  /** A package kept at the newest version, or pinned to {@code version}. */
  public record PackageSpec(String name, Optional<String> pinnedVersion) {
    public boolean isPinned() {
      return pinnedVersion.isPresent();
    }
  }

  /** A file rendered from an attribute subtree. */
  public record ConfigFile(Path path, String attribute, String owner, String group, int mode) {}

  /** A systemd unit restarted when something it subscribes to changes. */
  public record Service(
      String name, List<String> restartOn, Optional<URI> healthUrl, Duration healthTimeout) {

    /** The unit name with its type suffix, as systemctl wants it. */
    public String unit() {
      return name.contains(".") ? name : name + ".service";
    }
  }

  /** Inline attribute levels and the attribute files between them. */
  public record Attributes(
      Map<String, Object> defaults, List<Path> files, Map<String, Object> overrides) {}

  /**
   * How apt and dpkg are driven; {@code maxIndexAge} is the longest the agent trusts its package
   * indexes without an apt-get update, even when the repository answers 304; {@code probeInterval}
   * how often the daemon asks, between converges, whether a repository's InRelease changed (zero:
   * never).
   */
  public record Apt(
      Duration lockTimeout,
      Duration updateTimeout,
      Duration installTimeout,
      Path sourcesDir,
      Path keyringDir,
      Duration maxIndexAge,
      Duration probeInterval) {}

  /**
   * Fleet rollouts through PostgreSQL: this host is one of {@code group}; a new package version is
   * installed only with a slot of its rollout. Absent: the host decides alone.
   */
  public record Rollout(
      RolloutDatabase database,
      String group,
      Optional<String> host,
      List<String> canaryHosts,
      int canaryCount,
      int maxParallel,
      int haltAfterFailures,
      Duration leaseTtl,
      Duration minHealthyTime,
      Duration poll) {}

  /** Where the rollout tables live; the password is a secret's name, never its value. */
  public record RolloutDatabase(
      String host,
      int port,
      String name,
      String user,
      Optional<String> passwordSecret,
      String schema,
      Duration connectTimeout,
      Duration statementTimeout,
      DatabaseTls tls) {

    /** A database reached with pgjdbc's default TLS ({@link DatabaseTls#DEFAULT}). */
    public RolloutDatabase(
        String host,
        int port,
        String name,
        String user,
        Optional<String> passwordSecret,
        String schema,
        Duration connectTimeout,
        Duration statementTimeout) {
      this(
          host,
          port,
          name,
          user,
          passwordSecret,
          schema,
          connectTimeout,
          statementTimeout,
          DatabaseTls.DEFAULT);
    }
  }

  /**
   * TLS to the rollout database: the sslmode, and for verify-ca and verify-full the CA file that
   * signed the server's certificate (an absolute path, checked by strict modes).
   */
  public record DatabaseTls(SslMode mode, Optional<Path> rootCert) {
    /** libpq's and pgjdbc's default: TLS when the server offers it, its certificate unchecked. */
    public static final DatabaseTls DEFAULT = new DatabaseTls(SslMode.PREFER, Optional.empty());
  }
}
