package org.warehouse.agent.config;

import java.io.StringReader;
import java.time.Duration;
import java.util.Set;

/**
 * Reads agent.yml's {@code apt} mapping (timeouts, directories, index age, probe interval), and the
 * bound it sets.
 */
final class AptReader {
  static final Set<String> KEYS =
      Set.of(
          "lock_timeout",
          "update_timeout",
          "install_timeout",
          "sources_dir",
          "keyring_dir",
          "max_index_age",
          "probe_interval");

  private AptReader() {}

  static Settings.Apt read(YamlMap top) throws ConfigException {
    YamlMap apt = top.map("apt");
    if (apt == null) {
      apt = new YamlMap(top.file(), "apt", SettingsLoader.compose(new StringReader("{}")));
    }
    apt.allowOnly(KEYS);
    Duration maxIndexAge = apt.duration("max_index_age", "1d");
    if (maxIndexAge.compareTo(Duration.ofSeconds(1)) < 0) {
      throw apt.error(apt.node("max_index_age"), apt.child("max_index_age"), "must be at least 1s");
    }
    Duration probeInterval = apt.duration("probe_interval", "1m");
    if (!probeInterval.isZero() && probeInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw apt.error(
          apt.node("probe_interval"),
          apt.child("probe_interval"),
          "must be 0s (no probes) or at least 1s");
    }
    return new Settings.Apt(
        apt.duration("lock_timeout", "120s"),
        apt.duration("update_timeout", "120s"),
        apt.duration("install_timeout", "30m"),
        apt.absolutePath("sources_dir", "/etc/apt/sources.list.d"),
        apt.absolutePath("keyring_dir", "/etc/apt/keyrings"),
        maxIndexAge,
        probeInterval);
  }

  /**
   * The top-level {@code resource_timeout}: a resource must outlive the commands it runs. If the
   * runner gave up on an apt-get install that is still running, the run would end (and release the
   * run lock) under a live dpkg.
   */
  static Duration resourceTimeout(YamlMap top, Settings.Apt apt) throws ConfigException {
    Duration floor = apt.installTimeout().plus(apt.lockTimeout());
    if (!top.has("resource_timeout")) {
      return floor.plusMinutes(5);
    }
    Duration d = top.duration("resource_timeout", null);
    if (d.compareTo(floor) <= 0) {
      throw top.error(
          top.node("resource_timeout"),
          "resource_timeout",
          "must be longer than apt.install_timeout + apt.lock_timeout ("
              + Durations.format(floor)
              + ")");
    }
    return d;
  }
}
