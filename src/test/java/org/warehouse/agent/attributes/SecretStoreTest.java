package org.warehouse.agent.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretStoreTest {
  private static final String VALUE = "hunter2-s3cr3t";

  @TempDir Path dir;
  private Path secrets;

  @BeforeEach
  void setUp() throws IOException {
    secrets = Files.createDirectory(dir.resolve("secrets"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
  }

  private Path secret(String name, String value, String perms) throws IOException {
    Path p = Files.writeString(secrets.resolve(name), value);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    return p;
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  @Test
  void readsOwnerOnlyFilesOwnedByRootAndDropsOneNewline() throws IOException {
    assumeTrue(isRoot(), "the secrets directory check wants files owned by root");
    secret("db_password", VALUE + "\n", "rw-------");
    secret("two", "a\n\n", "r--------");
    secret("crlf", "a\r\n", "rw-------");
    SecretStore store = SecretStore.fromEnvironment(Map.of(), secrets);
    assertThat(store.resolve(new SecretRef("db_password"))).isEqualTo(VALUE);
    assertThat(store.resolve(new SecretRef("two"))).isEqualTo("a\n");
    assertThat(store.resolve(new SecretRef("crlf"))).isEqualTo("a");
    assertThat(store.directory()).isEqualTo(secrets);
  }

  @Test
  void refusesGroupOrWorldReadableFilesNamingFileAndMode() throws IOException {
    assumeTrue(isRoot());
    Path p = secret("db", VALUE, "rw-r--r--");
    SecretStore store = SecretStore.fromEnvironment(Map.of(), secrets);
    assertThatThrownBy(() -> store.resolve(new SecretRef("db")))
        .isInstanceOf(AttributeException.class)
        .hasMessage(
            "secret 'db' ("
                + p
                + "): mode 0644 lets group or others access it; a secret file must be mode 0600"
                + " or 0400 (fix: chmod go= "
                + p
                + ")")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(VALUE));
  }

  @Test
  void refusesFilesNotOwnedByRoot() throws IOException {
    assumeTrue(isRoot(), "chown needs root");
    Path p = secret("db", VALUE, "rw-------");
    Files.setAttribute(p, "unix:uid", 65534);
    assertThatThrownBy(
            () -> SecretStore.fromEnvironment(Map.of(), secrets).resolve(new SecretRef("db")))
        .hasMessage(
            "secret 'db': "
                + p
                + ": untrusted input: "
                + p
                + " is owned by nobody, uid 65534, not root; fix: chown root "
                + p);
  }

  @Test
  void refusesSymlinksAndWritableDirectories() throws IOException {
    assumeTrue(isRoot());
    Path target = secret("real", VALUE, "rw-------");
    Files.createSymbolicLink(secrets.resolve("link"), target);
    SecretStore store = SecretStore.fromEnvironment(Map.of(), secrets);
    assertThatThrownBy(() -> store.resolve(new SecretRef("link")))
        .hasMessageContaining("not a regular file (symbolic links are refused)");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> store.resolve(new SecretRef("real")))
        .hasMessageContaining(
            "untrusted input: directory "
                + secrets
                + " is writable by group or others (mode 0777)"
                + "; fix: chmod go-w "
                + secrets);
  }

  @Test
  void credentialsDirectoryWinsAndIsNotPermissionChecked() throws IOException {
    Path creds = Files.createDirectory(dir.resolve("creds"));
    Path p = Files.writeString(creds.resolve("db"), "from-systemd");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    SecretStore store =
        SecretStore.fromEnvironment(Map.of("CREDENTIALS_DIRECTORY", creds.toString()), secrets);
    assertThat(store.resolve(new SecretRef("db"))).isEqualTo("from-systemd");
    assertThat(store.directory()).isEqualTo(creds);
  }

  @Test
  void missingSecretNamesOnlyTheSecretAndWhereItLooked() {
    SecretStore store = SecretStore.fromEnvironment(Map.of("CREDENTIALS_DIRECTORY", ""), secrets);
    assertThatThrownBy(() -> store.resolve(new SecretRef("nope")))
        .hasMessage("secret 'nope' not found (no file " + secrets.resolve("nope") + ")");
  }

  @Test
  void refusesInvalidUtf8WithoutQuotingIt() throws IOException {
    Path p = Files.write(dir.resolve("bin"), new byte[] {'a', (byte) 0xff, 'b'});
    SecretStore store =
        SecretStore.fromEnvironment(Map.of("CREDENTIALS_DIRECTORY", dir.toString()), secrets);
    assertThatThrownBy(() -> store.resolve(new SecretRef("bin")))
        .hasMessage("secret 'bin' (" + p + "): not valid UTF-8")
        .hasNoCause();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "..", ".", "../x", "a..b", ".hidden", "a b", "x\n", "é"})
  void secretNamesAreValidated(String name) {
    assertThatThrownBy(() -> new SecretRef(name))
        .isInstanceOf(AttributeException.class)
        .hasMessageStartingWith("invalid secret name")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void secretRefPrintsRedacted() {
    assertThat(new SecretRef("db_password")).hasToString("<secret:db_password>");
    assertThat(Map.of("a", new SecretRef("x")).toString()).isEqualTo("{a=<secret:x>}");
  }
}
