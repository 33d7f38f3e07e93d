package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PEM key that the file on disk holds in a block scalar, under a key that is now a {@code
 * !secret}: check-config and why-run show neither its lines nor the new key's, on stdout, stderr or
 * the run's log lines (the journal under the daemon).
 */
class MultiLineSecretCliTest {
  private static final String OLD_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjOLDKEYBODYLINE";
  private static final String NEW_BODY = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkNEWKEYBODYLINE";

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  Path yml;
  Path target;

  private static String pem(String body) {
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n" + body + "2\n-----END PRIVATE KEY-----\n";
  }

  @BeforeEach
  void setUp() throws Exception {
    Path attrs = Files.createDirectories(dir.resolve("attributes.d"));
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path secret = Files.writeString(secrets.resolve("tls_key"), pem(NEW_BODY));
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        attrs.resolve("10-app.yml"),
        "warehouse:\n  config:\n    tls_key: !secret tls_key\n    site: pypi\n");
    target = Files.createDirectories(dir.resolve("etc")).resolve("config.yml");
    // Written before the key became a secret: a literal block, as chef-client left it.
    Files.writeString(target, "site: pypi\ntls_key: |\n" + pem(OLD_BODY).indent(2) + "x: 1\n");
    yml =
        Files.writeString(
            dir.resolve("agent.yml"),
            """
            config_files:
              - path: %s
                attribute: warehouse.config
                mode: "0600"
            attributes:
              files: [%s]
            state_dir: %s
            run_dir: %s
            secrets_dir: %s
            """
                .formatted(target, attrs, dir.resolve("state"), dir.resolve("run"), secrets));
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(yml.toString());
    return Main.run(
        all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void neitherTheOldNorTheNewKeyShowsInCheckConfigOrWhyRunOrTheirLogLines() throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream journal = new ByteArrayOutputStream();
    System.setErr(new PrintStream(journal, true, StandardCharsets.UTF_8));
    try {
      assertThat(run("check-config")).isZero();
      assertThat(run("converge", "--now", "--why-run", "--verbose")).isZero();
    } finally {
      System.setErr(stderr);
    }
    String all = out + "\n" + err + "\n" + journal.toString(StandardCharsets.UTF_8);
    assertThat(all)
        .contains("-tls_key: <secret:tls_key (old value)>", "+tls_key: <secret:tls_key>")
        .contains("-  <secret:tls_key (old value)>")
        .doesNotContain("OLDKEYBODYLINE", "NEWKEYBODYLINE", "BEGIN PRIVATE KEY");
    assertThat(journal.toString(StandardCharsets.UTF_8)).contains("tls_key (old value)");
    assertThat(Files.readString(target)).contains("OLDKEYBODYLINE");
  }
}
