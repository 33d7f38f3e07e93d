package org.warehouse.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsLoaderTest {
  @TempDir Path dir;

  static final String FULL =
      """
      interval: 30m
      splay: 5m
      repositories:
        - name: warehouse
          uri: http://127.0.0.1:8080/warehouse
          suite: stable
          components: [main]
          signed_by: /etc/warehouse-agent/keys/warehouse-archive.gpg
      packages:
        - name: warehouse
          version: latest
        - name: warehouse-tools
          version: "1:18.09.01~rc1-2"
      config_files:
        - path: /opt/warehouse/etc/config.yml
          attribute: warehouse.config
          owner: root
          group: www-data
          mode: "0640"
      services:
        - name: warehouse-web
          restart_on: [warehouse, /opt/warehouse/etc/config.yml]
          health_url: http://127.0.0.1:8000/_health/
          health_timeout: 1h30m
      attributes:
        default: {warehouse: {config: {debug: "no", workers: 4}}}
        files: [/etc/warehouse-agent/attributes.d]
        override: {}
      state_dir: /var/lib/warehouse-agent
      metrics:
        listen: 127.0.0.1:9557
      """;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("agent.yml");
    Files.writeString(f, yaml);
    return f;
  }

  private String errorOf(String yaml) throws Exception {
    Path f = write(yaml);
    try {
      SettingsLoader.load(f);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void loadsTheDesignExample() throws Exception {
    Settings s = SettingsLoader.load(write(FULL));

    assertThat(s.interval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.repositories().get(0).uri().toString())
        .isEqualTo("http://127.0.0.1:8080/warehouse/");
    assertThat(s.packages().get(0).isPinned()).isFalse();
    assertThat(s.packages().get(1).pinnedVersion()).contains("1:18.09.01~rc1-2");
    assertThat(s.configFiles().get(0).mode()).isEqualTo(0640);
    assertThat(s.configFiles().get(0).group()).isEqualTo("www-data");
    assertThat(s.services().get(0).healthTimeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.services().get(0).unit()).isEqualTo("warehouse-web.service");
    assertThat(s.attributes().defaults()).containsKey("warehouse");
    assertThat(s.metricsListen()).isEqualTo("127.0.0.1:9557");
    assertThat(s.stateDir()).isEqualTo(Path.of("/var/lib/warehouse-agent"));
  }

  @Test
  void defaultsApplyToAMinimalFile() throws Exception {
    Settings s = SettingsLoader.load(write("interval: 1h\n"));
    assertThat(s.splay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.runDir()).isEqualTo(Path.of("/run/warehouse-agent"));
    assertThat(s.attributes().files())
        .containsExactly(Path.of("/etc/warehouse-agent/attributes.d"));
    assertThat(s.apt().lockTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.apt().maxIndexAge()).isEqualTo(Duration.ofDays(1));
    // Outlives an apt-get install that waited for the dpkg lock: 30m + 2m + 5m.
    assertThat(s.resourceTimeout()).isEqualTo(Duration.ofMinutes(37));
  }

  @Test
  void maxIndexAgeIsADuration() throws Exception {
    assertThat(SettingsLoader.load(write("apt:\n  max_index_age: 12h\n")).apt().maxIndexAge())
        .isEqualTo(Duration.ofHours(12));
  }

  @Test
  void probeIntervalDefaultsToAMinuteAndZeroTurnsProbesOff() throws Exception {
    assertThat(SettingsLoader.load(write("interval: 30m\n")).apt().probeInterval())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(SettingsLoader.load(write("apt:\n  probe_interval: 0s\n")).apt().probeInterval())
        .isZero();
    assertThat(SettingsLoader.load(write("apt:\n  probe_interval: 2s\n")).apt().probeInterval())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void unknownKeySuggestsTheClosestOne() throws Exception {
    assertThat(errorOf("interval: 30m\nsplya: 5m\n"))
        .isEqualTo(dir.resolve("agent.yml") + ":2: splya: unknown key (did you mean 'splay'?)");
    assertThat(errorOf("packages:\n  - name: warehouse\n    verison: latest\nrepositories: []\n"))
        .contains(":3: packages[0].verison: unknown key (did you mean 'version'?)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "interval: 30 minutes|:1: interval: '30 minutes' is not a duration",
        "interval: 5s|:1: interval: must be at least 10s",
        "interval: 10m\\nsplay: 10m|:2: splay: must be shorter than interval",
        "interval: [1]|:1: interval: expected a string, found a list",
        "state_dir: var/lib/x|:1: state_dir: 'var/lib/x' is not an absolute path",
        "state_dir: /var/../etc|:1: state_dir: '/var/../etc' is not a normalized path",
        "history_limit: many|:1: history_limit: expected an integer",
        "resource_timeout: 10m|:1: resource_timeout: must be longer than apt.install_timeout",
        "metrics: {listen: 'localhost'}|:1: metrics.listen: expected HOST:PORT",
        "apt: {max_index_age: daily}|:1: apt.max_index_age: 'daily' is not a duration",
        "apt: {max_index_age: 500ms}|:1: apt.max_index_age: must be at least 1s",
        "apt: {probe_interval: often}|:1: apt.probe_interval: 'often' is not a duration",
        "apt: {probe_interval: 500ms}|:1: apt.probe_interval: must be 0s (no probes) or at least 1s",
      })
  void badValuesNameLineKeyAndExpectation(String yaml, String expected) throws Exception {
    assertThat(errorOf(yaml.replace("\\n", "\n"))).contains(expected);
  }

  @Test
  void badPackageNamesAndVersionsAreRefusedBeforeReachingApt() throws Exception {
    String repo = "repositories: [{name: w, uri: 'http://x/', suite: s, signed_by: /k.gpg}]\n";
    assertThat(errorOf(repo + "packages: [{name: Warehouse}]\n"))
        .contains("packages[0].name: 'Warehouse' is not a valid Debian package name");
    assertThat(errorOf(repo + "packages: [{name: '-oAPT::x=1'}]\n"))
        .contains("is not a valid Debian package name");
    assertThat(errorOf(repo + "packages: [{name: warehouse, version: 'a1.0'}]\n"))
        .contains("packages[0].version: 'a1.0' is not 'latest' or a valid Debian version");
    assertThat(errorOf(repo + "packages: [{name: warehouse, version: '1.0 ; rm'}]\n"))
        .contains("is not 'latest' or a valid Debian version");
    assertThat(errorOf("packages: [{name: warehouse}]\n"))
        .contains("packages need at least one repository");
  }

  @Test
  void missingRequiredKeysAreNamed() throws Exception {
    assertThat(errorOf("repositories:\n  - name: w\n    suite: stable\n    signed_by: /k.gpg\n"))
        .contains(":2: repositories[0].uri: missing required key");
    assertThat(errorOf("config_files:\n  - path: /opt/x.yml\n"))
        .contains("config_files[0].attribute: missing required key");
  }

  @Test
  void modeIsReadAsWrittenAndMustBeOctalText() throws Exception {
    Settings s =
        SettingsLoader.load(
            write("config_files: [{path: /opt/x.yml, attribute: a, mode: 0640}]\n"));
    assertThat(s.configFiles().get(0).mode()).isEqualTo(0640);
    assertThat(errorOf("config_files: [{path: /opt/x.yml, attribute: a, mode: 640}]\n"))
        .contains("config_files[0].mode: expected a quoted octal string like \"0640\"");
  }

  @Test
  void inlineAttributesAreTypedAsAttributeFilesAre() throws Exception {
    Settings s =
        SettingsLoader.load(
            write(
                """
                attributes:
                  default:
                    a: no
                    b: 0755
                    c: true
                    d: 42
                    e: 1e3
                    f: !secret db_password
                    g: ~
                """));
    assertThat(s.attributes().defaults())
        .containsEntry("a", "no")
        .containsEntry("b", "0755")
        .containsEntry("c", true)
        .containsEntry("d", 42L)
        .containsEntry("e", "1e3")
        .containsEntry("f", new org.warehouse.agent.attributes.SecretRef("db_password"))
        .containsEntry("g", null);
  }

  @Test
  void restartOnMustNameAPackageOrConfigFile() throws Exception {
    assertThat(errorOf("services: [{name: web, restart_on: [warehouse]}]\n"))
        .contains(
            "services[0].restart_on: 'warehouse' is neither a package nor a config file path");
  }

  @Test
  void repositoryUrisAreHttpWithoutCredentials() throws Exception {
    assertThat(
            errorOf(
                "repositories: [{name: w, uri: 'file:///srv/repo', suite: s, signed_by: /k}]\n"))
        .contains("repositories[0].uri: expected an http(s)://host/path/ URI");
    assertThat(
            errorOf("repositories: [{name: w, uri: 'http://u:p@x/', suite: s, signed_by: /k}]\n"))
        .contains("repositories[0].uri: expected an http(s)://host/path/ URI");
  }

  @Test
  void duplicatesAreRefused() throws Exception {
    assertThat(errorOf("interval: 30m\ninterval: 1h\n")).contains(":2: interval: duplicate key");
  }

  @Test
  void syntaxErrorsGiveLineAndColumn() throws Exception {
    assertThat(errorOf("interval: 30m\nsplay: [5m\n"))
        .startsWith(dir.resolve("agent.yml") + ":3:1: YAML syntax error");
  }

  @Test
  void aliasBombsAndHugeFilesAndEmptyFilesAreRefused() throws Exception {
    StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append((char) ('a' + i))
          .append(": &")
          .append((char) ('a' + i))
          .append(" [")
          .append(("*" + (char) ('a' + i - 1) + ",").repeat(9))
          .append('*')
          .append((char) ('a' + i - 1))
          .append("]\n");
    }
    assertThat(errorOf(bomb.toString())).contains("Number of aliases for non-scalar nodes exceeds");
    assertThat(errorOf("x: " + "y".repeat((int) SettingsLoader.MAX_BYTES) + "\n"))
        .contains("limit " + SettingsLoader.MAX_BYTES);
    assertThat(errorOf("")).endsWith(": file is empty");
    assertThat(errorOf("!!python/object:os.system [ls]\n")).contains("YAML");
  }

  @Test
  void durationsRoundTrip() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThatThrownBy(() -> Durations.parse("1.5h")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
  }
}
