package org.warehouse.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads agent.yml's {@code rollout} mapping: the fleet's rollout rules and their database. */
final class RolloutReader {
  static final Set<String> KEYS =
      Set.of(
          "database",
          "group",
          "host",
          "canary",
          "max_parallel",
          "halt_after_failures",
          "lease_ttl",
          "min_healthy_time",
          "poll");

  static final Set<String> DATABASE_KEYS =
      Set.of(
          "host",
          "port",
          "name",
          "user",
          "password_secret",
          "schema",
          "connect_timeout",
          "statement_timeout",
          "sslmode",
          "sslrootcert");

  // Group and host names end up in the database and in metrics labels: plain names only.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern DB_HOST = Pattern.compile("(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+)");

  private RolloutReader() {}

  static Optional<Settings.Rollout> read(YamlMap top) throws ConfigException {
    YamlMap r = top.map("rollout");
    if (r == null) {
      return Optional.empty();
    }
    r.allowOnly(KEYS);
    YamlMap db = r.map("database");
    if (db == null) {
      throw r.error(r.self(), r.child("database"), "missing required key");
    }
    String group = name(r, "group", null);
    Optional<String> host =
        r.has("host") ? Optional.of(name(r, "host", null)) : Optional.<String>empty();
    List<String> canaryHosts = List.of();
    int canaryCount = 1;
    if (r.has("canary") && !(r.node("canary") instanceof org.yaml.snakeyaml.nodes.ScalarNode)) {
      canaryHosts = r.stringList("canary", List.of());
      for (int i = 0; i < canaryHosts.size(); i++) {
        if (!NAME.matcher(canaryHosts.get(i)).matches()) {
          throw r.error(
              r.node("canary"),
              r.child("canary") + "[" + i + "]",
              "'" + canaryHosts.get(i) + "' is not a host name");
        }
      }
      if (canaryHosts.isEmpty()) {
        throw r.error(
            r.node("canary"), r.child("canary"), "name at least one host, or give a number");
      }
      canaryCount = canaryHosts.size();
    } else {
      canaryCount = bounded(r, "canary", 1, 0, 1000);
    }
    int maxParallel = bounded(r, "max_parallel", 1, 1, 10_000);
    int haltAfter = bounded(r, "halt_after_failures", 1, 1, 10_000);
    Duration ttl = atLeast(r, "lease_ttl", "10m", Duration.ofSeconds(2));
    Duration minHealthy = atLeast(r, "min_healthy_time", "5m", Duration.ZERO);
    Duration poll = atLeast(r, "poll", "30s", Duration.ofMillis(100));
    if (poll.compareTo(ttl) >= 0) {
      throw r.error(
          r.has("poll") ? r.node("poll") : r.self(),
          r.child("poll"),
          "must be shorter than lease_ttl ("
              + Durations.format(ttl)
              + "): a holder renews its lease every poll");
    }
    return Optional.of(
        new Settings.Rollout(
            database(db),
            group,
            host,
            canaryHosts,
            canaryCount,
            maxParallel,
            haltAfter,
            ttl,
            minHealthy,
            poll));
  }

  private static Settings.RolloutDatabase database(YamlMap db) throws ConfigException {
    db.allowOnly(DATABASE_KEYS);
    String host = db.string("host", null);
    if (!DB_HOST.matcher(host).matches()) {
      throw db.error(
          db.node("host"), db.child("host"), "'" + host + "' is not a host name or address");
    }
    int port = bounded(db, "port", 5432, 1, 65535);
    String name = identifier(db, "name", null);
    String user = identifier(db, "user", null);
    Optional<String> secret = Optional.empty();
    if (db.has("password_secret")) {
      String s = db.string("password_secret", null);
      if (!s.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}") || s.contains("..")) {
        throw db.error(
            db.node("password_secret"),
            db.child("password_secret"),
            "a secret's name: 1-128 characters of A-Z a-z 0-9 _ . - (no leading dot, no '..')");
      }
      secret = Optional.of(s);
    }
    return new Settings.RolloutDatabase(
        host,
        port,
        name,
        user,
        secret,
        identifier(db, "schema", "warehouse_agent"),
        atLeast(db, "connect_timeout", "5s", Duration.ofSeconds(1)),
        atLeast(db, "statement_timeout", "5s", Duration.ofMillis(100)),
        tls(db));
  }

  // libpq's words. A CA file only where it is used: with require, pgjdbc would ignore it and an
  // operator would believe the server checked.
  private static Settings.DatabaseTls tls(YamlMap db) throws ConfigException {
    String label = db.string("sslmode", SslMode.PREFER.label());
    SslMode mode =
        SslMode.parse(label)
            .orElseThrow(
                () ->
                    db.error(
                        db.node("sslmode"),
                        db.child("sslmode"),
                        "'" + label + "' is not an sslmode: one of " + SslMode.labels()));
    if (mode.verifies() && !db.has("sslrootcert")) {
      throw db.error(
          db.node("sslmode"),
          db.child("sslrootcert"),
          "missing: sslmode "
              + mode
              + " checks the server's certificate against the CA in this file (PEM)");
    }
    if (!mode.verifies() && db.has("sslrootcert")) {
      throw db.error(
          db.node("sslrootcert"),
          db.child("sslrootcert"),
          "is used only with sslmode verify-ca or verify-full (sslmode is " + mode + ")");
    }
    Optional<Path> rootCert =
        mode.verifies() ? Optional.of(db.absolutePath("sslrootcert", null)) : Optional.empty();
    return new Settings.DatabaseTls(mode, rootCert);
  }

  private static String name(YamlMap m, String key, String fallback) throws ConfigException {
    String v = m.string(key, fallback);
    if (!NAME.matcher(v).matches()) {
      throw m.error(
          m.node(key), m.child(key), "'" + v + "' is not a name: 1-63 of A-Z a-z 0-9 _ . -");
    }
    return v;
  }

  private static String identifier(YamlMap m, String key, String fallback) throws ConfigException {
    String v = m.string(key, fallback);
    if (!IDENTIFIER.matcher(v).matches()) {
      throw m.error(
          m.has(key) ? m.node(key) : m.self(),
          m.child(key),
          "'" + v + "' is not a plain PostgreSQL identifier: 1-63 of a-z 0-9 _");
    }
    return v;
  }

  private static int bounded(YamlMap m, String key, int fallback, int min, int max)
      throws ConfigException {
    int v = m.integer(key, fallback);
    if (v < min || v > max) {
      throw m.error(m.node(key), m.child(key), "must be between " + min + " and " + max);
    }
    return v;
  }

  private static Duration atLeast(YamlMap m, String key, String fallback, Duration min)
      throws ConfigException {
    Duration d = m.duration(key, fallback);
    if (d.compareTo(min) < 0) {
      throw m.error(
          m.has(key) ? m.node(key) : m.self(),
          m.child(key),
          "must be at least " + Durations.format(min));
    }
    return d;
  }
}
