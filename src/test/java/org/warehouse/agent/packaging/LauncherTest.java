package org.warehouse.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** packaging/bin/agent picks the daemon's JVM flags by the subcommand, wherever it stands. */
class LauncherTest {
  @TempDir Path dir;

  @BeforeEach
  void fakeInstall() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.copy(Path.of("packaging/bin/agent"), bin.resolve("agent"));
    Files.writeString(dir.resolve("warehouse-agent.jar"), "");
    Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
    // A java that prints the flags it was given, one per line.
    Files.writeString(jdk.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    for (Path p : List.of(bin.resolve("agent"), jdk.resolve("java"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private List<String> jvmArgs(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(dir.resolve("bin/agent").toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    pb.environment().put("WAREHOUSE_AGENT_CDS", "off");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().toList();
  }

  @Test
  void theDaemonGetsItsFlagsWithTheConfigBeforeOrAfterIt() throws Exception {
    for (List<String> args :
        List.of(
            List.of("daemon"),
            List.of("daemon", "--config", "/x.yml"),
            List.of("--config", "/x.yml", "daemon"))) {
      List<String> jvm = jvmArgs(args.toArray(String[]::new));

      assertThat(jvm).as("%s", args).contains("-Xmn1m", "-Xms8m").doesNotContain("-Xmn24m");
      assertThat(jvm.subList(jvm.indexOf("org.warehouse.agent.cli.Main") + 1, jvm.size()))
          .isEqualTo(args);
    }
  }

  @Test
  void aShortCommandGetsTheShortLivedFlagsEvenWithAConfigNamedDaemon() throws Exception {
    List<String> jvm = jvmArgs("--config", "daemon", "check-config");

    assertThat(jvm).contains("-Xmn24m").doesNotContain("-Xmn1m");
  }
}
