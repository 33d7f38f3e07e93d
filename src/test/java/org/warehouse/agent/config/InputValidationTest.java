package org.warehouse.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What agent.yml may hand to the host: a file mode the writer can set, a signed_by that stays one
 * option of apt's source line and names a trusted keyring, a rollout database CA only where an
 * sslmode checks with it, and agent.yml itself only if no one but root (or the agent's user) could
 * have written it.
 */
class InputValidationTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("agent.yml"), yaml);
  }

  private String errorOf(String yaml) throws Exception {
    Path f = write(yaml);
    try {
      Settings s = SettingsLoader.load(f);
      HostInputs.check(s);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  private String repo(String signedBy) {
    return "repositories: [{name: w, uri: 'http://x/', suite: s, signed_by: " + signedBy + "}]\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"4755", "2755", "1777", "7777", "04755"})
  void modesWithSpecialBitsAreRefusedAsTheWriterWouldRefuseThem(String mode) throws Exception {
    assertThat(
            errorOf("config_files: [{path: /opt/x.yml, attribute: a, mode: \"" + mode + "\"}]\n"))
        .contains(
            ":1: config_files[0].mode: \""
                + mode
                + "\" sets setuid, setgid or sticky bits, which the agent does not write;"
                + " expected permission bits up to \"0777\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0777", "0640", "600", "0400"})
  void plainPermissionBitsAreAccepted(String mode) throws Exception {
    Settings s =
        SettingsLoader.load(
            write("config_files: [{path: /opt/x.yml, attribute: a, mode: \"" + mode + "\"}]\n"));
    assertThat(s.configFiles().get(0).mode()).isEqualTo(Integer.parseInt(mode, 8));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'/k.gpg trusted=yes'",
        "'/k.gpg\ttrusted=yes'",
        "'/k.gpg] http://evil/ x y #'",
        "'/a.gpg,/b.gpg'",
        "'/k[1].gpg'",
        "'/k.gpg#x'",
        "\"/k.gpg\\ntrusted=yes\""
      })
  void signedByMustBeOnePlainAbsolutePath(String value) throws Exception {
    assertThat(errorOf(repo(value)))
        .contains(
            ":1: repositories[0].signed_by: '",
            "' must be an absolute path without whitespace, brackets, commas or '#'");
  }

  @Test
  void signedByMustBeAnExistingRegularFileThatPassesStrictModes() throws Exception {
    Path key = dir.resolve("k.gpg");
    Path yml = write(repo(key.toString()));
    assertThat(errorOf(repo(key.toString())))
        .isEqualTo(
            yml
                + ": repository 'w': signed_by keyring "
                + key
                + " does not exist (apt would refuse the repository)");
    Files.createDirectory(key);
    assertThat(errorOf(repo(key.toString()))).endsWith(key + " is not a regular file");
    Files.delete(key);
    Files.writeString(key, "key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(errorOf(repo(key.toString())))
        .isEqualTo(
            yml
                + ": repository 'w': signed_by keyring "
                + key
                + ": untrusted input: "
                + key
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    HostInputs.check(SettingsLoader.load(yml));
  }

  private static String rollout(String tls) {
    return "rollout:\n  group: web\n  database: {host: db.internal, name: w, user: a" + tls + "}\n";
  }

  @Test
  void theRolloutDatabaseTlsDefaultsToPreferAndTakesLibpqsModes() throws Exception {
    Settings.DatabaseTls tls =
        SettingsLoader.load(write(rollout(""))).rollout().get().database().tls();
    assertThat(tls).isEqualTo(Settings.DatabaseTls.DEFAULT);
    assertThat(tls.mode().label()).isEqualTo("prefer");
    for (String mode : new String[] {"disable", "allow", "prefer", "require"}) {
      assertThat(
              SettingsLoader.load(write(rollout(", sslmode: " + mode)))
                  .rollout()
                  .get()
                  .database()
                  .tls())
          .isEqualTo(new Settings.DatabaseTls(SslMode.parse(mode).orElseThrow(), Optional.empty()));
    }
    Path ca = Files.writeString(dir.resolve("ca.crt"), "PEM");
    Settings s = SettingsLoader.load(write(rollout(", sslmode: verify-full, sslrootcert: " + ca)));
    assertThat(s.rollout().get().database().tls())
        .isEqualTo(new Settings.DatabaseTls(SslMode.VERIFY_FULL, Optional.of(ca)));
    HostInputs.check(s);
  }

  @Test
  void aVerifyingSslmodeNeedsItsCaAndOnlyItUsesOne() throws Exception {
    assertThat(errorOf(rollout(", sslmode: verify-all")))
        .endsWith(
            ":3: rollout.database.sslmode: 'verify-all' is not an sslmode: one of disable, allow,"
                + " prefer, require, verify-ca, verify-full");
    assertThat(errorOf(rollout(", sslmode: verify-ca")))
        .endsWith(
            ":3: rollout.database.sslrootcert: missing: sslmode verify-ca checks the server's"
                + " certificate against the CA in this file (PEM)");
    assertThat(errorOf(rollout(", sslmode: require, sslrootcert: /etc/ca.crt")))
        .endsWith(
            ":3: rollout.database.sslrootcert: is used only with sslmode verify-ca or verify-full"
                + " (sslmode is require)");
    assertThat(errorOf(rollout(", sslrootcert: /etc/ca.crt"))).endsWith("(sslmode is prefer)");
    assertThat(errorOf(rollout(", sslmode: verify-full, sslrootcert: ca.crt")))
        .endsWith(":3: rollout.database.sslrootcert: 'ca.crt' is not an absolute path");
  }

  @Test
  void theDatabasesCaMustExistAndPassStrictModes() throws Exception {
    Path ca = dir.resolve("ca.crt");
    Path yml = write(rollout(", sslmode: verify-full, sslrootcert: " + ca));
    assertThat(errorOf(rollout(", sslmode: verify-full, sslrootcert: " + ca)))
        .isEqualTo(
            yml
                + ": rollout.database.sslrootcert "
                + ca
                + " does not exist (the agent could not check the database server's"
                + " certificate)");
    Files.writeString(ca, "PEM");
    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(errorOf(rollout(", sslmode: verify-full, sslrootcert: " + ca)))
        .isEqualTo(
            yml
                + ": rollout.database.sslrootcert "
                + ca
                + ": untrusted input: "
                + ca
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + ca);
    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
    HostInputs.check(SettingsLoader.load(yml));
  }

  @Test
  void agentYmlThatOthersCouldWriteIsNotRead() throws Exception {
    Path yml = write("interval: 30m\n");
    Files.setPosixFilePermissions(yml, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> SettingsLoader.load(yml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            yml
                + ": untrusted input: "
                + yml
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + yml);
    Files.setPosixFilePermissions(yml, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> SettingsLoader.load(yml))
        .hasMessageEndingWith("; fix: chmod go-w " + dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    assertThat(SettingsLoader.load(yml).interval()).hasMinutes(30);
  }
}
