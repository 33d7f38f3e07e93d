package org.warehouse.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.cli.GeneratedDocs;
import org.warehouse.agent.sandbox.AgentPackage;

/**
 * The .deb that {@code mvn package} built, inspected on the host (read-only): dpkg-deb's view of
 * its control fields and contents, the version inside the jar, lintian, the copyright file against
 * the jar's bundled libraries, and byte-for-byte reproducible builds.
 */
class PackageIT {
  /**
   * lintian warnings operations.md's "Lintian" section lists and justifies; anything else fails.
   */
  private static final Set<String> JUSTIFIED_WARNINGS =
      Set.of(
          "non-standard-dir-perm 0700 != 0755 [etc/warehouse-agent/secrets/]",
          "non-standard-dir-perm 0700 != 0755 [var/lib/warehouse-agent/]");

  private record Output(int exit, String text) {}

  private static Output run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " timed out");
    }
    return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Map<String, String> fields(Path deb) throws Exception {
    Output o = run("dpkg-deb", "--field", deb.toString());
    assertThat(o.exit()).as(o.text()).isZero();
    Map<String, String> out = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^([A-Za-z-]+): (.*)$").matcher(o.text());
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  @Test
  void controlFieldsAreWhatOperatorsAndAptExpect() throws Exception {
    Path deb = AgentPackage.built();
    assertThat(deb.getFileName().toString())
        .isEqualTo("warehouse-agent_" + AgentPackage.version() + "_all.deb");

    Map<String, String> f = fields(deb);

    assertThat(f)
        .containsEntry("Package", "warehouse-agent")
        .containsEntry("Version", AgentPackage.version())
        .containsEntry("Architecture", "all")
        .containsEntry("Section", "admin")
        .containsEntry(
            "Depends", "default-jre-headless (>= 2:1.17) | java17-runtime-headless, apt, systemd");
    assertThat(Integer.parseInt(f.get("Installed-Size"))).isGreaterThan(1000);
    Output info = run("dpkg-deb", "--info", deb.toString());
    assertThat(info.text()).contains("conffiles", "md5sums", "postinst", "prerm", "postrm");
    Output conffiles =
        run("sh", "-c", "dpkg-deb --ctrl-tarfile \"$0\" | tar -xO ./conffiles", deb.toString());
    assertThat(conffiles.text()).isEqualTo("/etc/warehouse-agent/agent.yml\n");
  }

  @Test
  void contentsAreTheDocumentedLayoutOwnedByRoot() throws Exception {
    Output o = run("dpkg-deb", "--contents", AgentPackage.built().toString());
    assertThat(o.exit()).as(o.text()).isZero();
    Map<String, String> modes = new TreeMap<>();
    for (String line : o.text().lines().toList()) {
      String[] cols = line.trim().split("\\s+", 6);
      assertThat(cols[1]).as(line).isEqualTo("root/root");
      modes.put(cols[5].replaceFirst("^\\./", "/"), cols[0]);
    }
    assertThat(modes)
        .containsEntry("/usr/bin/agent", "-rwxr-xr-x")
        .containsEntry("/usr/share/warehouse-agent/warehouse-agent.jar", "-rw-r--r--")
        .containsEntry("/lib/systemd/system/warehouse-agent.service", "-rw-r--r--")
        .containsEntry("/lib/systemd/system/warehouse-agent-converge.service", "-rw-r--r--")
        .containsEntry("/lib/systemd/system/warehouse-agent-converge.timer", "-rw-r--r--")
        .containsEntry("/etc/warehouse-agent/agent.yml", "-rw-r--r--")
        .containsEntry("/etc/warehouse-agent/attributes.d/", "drwxr-xr-x")
        .containsEntry("/etc/warehouse-agent/secrets/", "drwx------")
        .containsEntry("/var/lib/warehouse-agent/", "drwx------")
        .containsEntry("/usr/share/doc/warehouse-agent/copyright", "-rw-r--r--")
        .containsEntry("/usr/share/doc/warehouse-agent/changelog.gz", "-rw-r--r--")
        .containsEntry("/usr/share/doc/warehouse-agent/README.md.gz", "-rw-r--r--")
        .containsEntry("/usr/share/doc/warehouse-agent/configuration.md.gz", "-rw-r--r--")
        .containsEntry("/usr/share/doc/warehouse-agent/operations.md.gz", "-rw-r--r--")
        .containsEntry("/usr/share/man/man1/agent.1.gz", "-rw-r--r--")
        .containsEntry("/usr/share/bash-completion/completions/agent", "-rw-r--r--")
        .containsEntry("/usr/share/warehouse-agent/warehouse-agent.classlist", "-rw-r--r--")
        .containsEntry("/usr/share/warehouse-agent/warehouse-agent-daemon.classlist", "-rw-r--r--")
        .containsEntry("/usr/lib/warehouse-agent/cds-archive", "-rwxr-xr-x");
    List<String> files = modes.keySet().stream().filter(p -> !p.endsWith("/")).toList();
    assertThat(files).as("no file beyond those above").hasSize(16);
  }

  @Test
  void theJarInsideReportsThePackageVersion(@TempDir Path dir) throws Exception {
    assertThat(run("dpkg-deb", "-x", AgentPackage.built().toString(), dir.toString()).exit())
        .isZero();

    Output version =
        run(
            "java",
            "-jar",
            dir.resolve("usr/share/warehouse-agent/warehouse-agent.jar").toString(),
            "--version");

    assertThat(version.text().strip()).isEqualTo("warehouse-agent " + AgentPackage.version());
  }

  @Test
  void theManPageAndBashCompletionAreThoseOfTheCommandModel(@TempDir Path dir) throws Exception {
    assertThat(run("dpkg-deb", "-x", AgentPackage.built().toString(), dir.toString()).exit())
        .isZero();
    Output man = run("gzip", "-dc", dir.resolve("usr/share/man/man1/agent.1.gz").toString());
    assertThat(man.text()).isEqualTo(GeneratedDocs.manPage()).contains(".SS agent disable");
    assertThat(Files.readString(dir.resolve("usr/share/bash-completion/completions/agent")))
        .isEqualTo(GeneratedDocs.bashCompletion());
    Output rendered =
        run(
            "sh",
            "-c",
            "gzip -dc \"$0\" | groff -man -ww -z 2>&1",
            dir.resolve("usr/share/man/man1/agent.1.gz").toString());
    assertThat(rendered.text()).as("groff's warnings").isEmpty();
  }

  @Test
  void commandsMapTheClassArchiveWhereItWasMadeTheDaemonAtARandomAddress() throws Exception {
    // Relocating the 30 MB archive to a random address was ~60 ms of every command's start.
    String cli = launcherWithCdsLog("--version");
    assertThat(cli)
        .contains("warehouse-agent ")
        .contains("Mapped static  region #0 at base 0x0000000800000000")
        .doesNotContain("ArchiveRelocationMode == 1");
    String daemon = launcherWithCdsLog("daemon", "--help");
    assertThat(daemon).contains("Usage: agent daemon", "ArchiveRelocationMode == 1");
  }

  @Test
  void theLauncherFindsItsJarAndArchiveHoweverItIsStarted(@TempDir Path dir) throws Exception {
    // The launcher resolves its own path with builtins (a readlink per command was ~5 ms): by
    // absolute and relative paths, from its own directory, and through a symlink to it.
    Path target = Path.of("target").toAbsolutePath();
    Path link = dir.resolve("agent");
    Files.createSymbolicLink(link, target.resolve("bin/agent"));
    List<List<String>> ways =
        List.of(
            List.of(target.resolve("bin/agent").toString()),
            List.of("sh", "bin/agent"),
            List.of("sh", "agent"),
            List.of("./agent"),
            List.of(link.toString()));
    List<Path> cwds = List.of(dir, target, target.resolve("bin"), target.resolve("bin"), dir);
    for (int i = 0; i < ways.size(); i++) {
      List<String> argv = new ArrayList<>(ways.get(i));
      argv.add("--version");
      String out = launch(cwds.get(i), argv, "-Xlog:class+load=info:stdout");
      assertThat(out)
          .as(argv + " in " + cwds.get(i))
          .contains("warehouse-agent " + AgentPackage.version())
          .contains("org.warehouse.agent.cli.Main source: shared objects file");
    }
  }

  @Test
  void shortCommandsAndTheDaemonGetTheirOwnJvmFlags() throws Exception {
    String cli = launcherWith("-XX:+PrintFlagsFinal", "--version");
    // No collection in a short command, a lazier JIT, and (where the kernel offers transparent
    // huge pages on request, as this build machine does) the heap in them.
    assertThat(flag(cli, "NewSize")).isEqualTo(String.valueOf(24 * 1024 * 1024));
    assertThat(flag(cli, "InitialHeapSize")).isEqualTo(String.valueOf(32 * 1024 * 1024));
    assertThat(flag(cli, "CompileThresholdScaling")).startsWith("5.0");
    String thp = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
    assertThat(flag(cli, "UseTransparentHugePages"))
        .isEqualTo(thp.contains("[never]") ? "false" : "true");
    String daemon = launcherWith("-XX:+PrintFlagsFinal", "daemon", "--help");
    assertThat(flag(daemon, "NewSize")).isEqualTo(String.valueOf(1024 * 1024));
    assertThat(flag(daemon, "InitialHeapSize")).isEqualTo(String.valueOf(8 * 1024 * 1024));
    assertThat(flag(daemon, "CompileThresholdScaling")).startsWith("1.0");
    assertThat(flag(daemon, "UseTransparentHugePages")).isEqualTo("false");
  }

  private static String flag(String printFlagsFinal, String name) {
    Matcher m = Pattern.compile("\\s" + name + "\\s+= (\\S+)\\s").matcher(printFlagsFinal);
    assertThat(m.find()).as(name + " in the JVM's flags").isTrue();
    return m.group(1);
  }

  private static String launcherWith(String javaOpts, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("target/bin/agent"));
    argv.addAll(List.of(args));
    return launch(Path.of("").toAbsolutePath(), argv, javaOpts);
  }

  // Runs argv in cwd with WAREHOUSE_AGENT_JAVA_OPTS set; it must exit 0. Its output, both streams.
  private static String launch(Path cwd, List<String> argv, String javaOpts) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().put("WAREHOUSE_AGENT_JAVA_OPTS", javaOpts);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(argv + " in " + cwd + ": " + out).isZero();
    return out;
  }

  private static String launcherWithCdsLog(String... args) throws Exception {
    return launcherWith("-Xlog:cds=info:stdout", args);
  }

  @Test
  void buildsAreReproducibleAndStampTheirVersion(@TempDir Path dir) throws Exception {
    Path a = AgentPackage.build("26.12.07", dir.resolve("a"));
    Path b = AgentPackage.build("26.12.07", dir.resolve("b"));

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(fields(a)).containsEntry("Version", "26.12.07");
    Path x = dir.resolve("x");
    assertThat(run("dpkg-deb", "-x", a.toString(), x.toString()).exit()).isZero();
    Output version =
        run(
            "java",
            "-jar",
            x.resolve("usr/share/warehouse-agent/warehouse-agent.jar").toString(),
            "--version");
    assertThat(version.text().strip()).isEqualTo("warehouse-agent 26.12.07");
    Output bad = run(AgentPackage.script().toString(), "--out", dir.toString(), "1.0");
    assertThat(bad.exit()).isEqualTo(64);
    assertThat(bad.text()).contains("version must be YY.MM.NN");
  }

  @Test
  void lintianFindsNoErrorsAndOnlyTheJustifiedWarnings() throws Exception {
    Output o = run("lintian", "--pedantic", "--info", AgentPackage.built().toString());

    List<String> errors = new ArrayList<>();
    Set<String> warnings = new TreeSet<>();
    for (String line : o.text().lines().toList()) {
      if (line.startsWith("E: ")) {
        errors.add(line);
      } else if (line.startsWith("W: warehouse-agent: ")) {
        warnings.add(line.substring("W: warehouse-agent: ".length()));
      }
    }
    assertThat(errors).as(o.text()).isEmpty();
    assertThat(warnings).as(o.text()).isEqualTo(JUSTIFIED_WARNINGS);
    String operations =
        Files.readString(Path.of("src/site/markdown/operations.md"), StandardCharsets.UTF_8);
    int section = operations.indexOf("\n### Lintian\n");
    assertThat(section).as("operations.md section '### Lintian'").isPositive();
    int end = operations.indexOf("\n## ", section);
    String lintian = operations.substring(section, end < 0 ? operations.length() : end);
    for (String w : warnings) {
      assertThat(lintian).as("operations.md's Lintian section lists %s", w).contains(w);
    }
  }

  @Test
  void theCopyrightFileNamesEveryBundledLibrary(@TempDir Path dir) throws Exception {
    assertThat(run("dpkg-deb", "-x", AgentPackage.built().toString(), dir.toString()).exit())
        .isZero();
    String copyright = Files.readString(dir.resolve("usr/share/doc/warehouse-agent/copyright"));
    Set<String> bundled = new TreeSet<>();
    try (ZipFile jar =
        new ZipFile(dir.resolve("usr/share/warehouse-agent/warehouse-agent.jar").toFile())) {
      Pattern pom = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom.properties");
      jar.stream()
          .forEach(
              e -> {
                Matcher m = pom.matcher(e.getName());
                if (m.matches() && !m.group(1).equals("org.warehouse")) {
                  bundled.add(m.group(1) + ":" + m.group(2) + ":");
                }
                // pgjdbc's jar carries no Maven metadata: known by its driver class.
                if (e.getName().equals("org/postgresql/Driver.class")) {
                  bundled.add("org.postgresql:postgresql:");
                }
              });
    }

    assertThat(bundled).hasSizeGreaterThan(10);
    assertThat(bundled).allSatisfy(artifact -> assertThat(copyright).contains(artifact));
  }
}
