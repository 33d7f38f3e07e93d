package org.warehouse.agent.resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;

/**
 * A host's apt and dpkg as far as the package resource sees them: one package whose installed
 * version changes when apt-get installs it or dpkg installs a .deb, a repository offering some
 * versions, apt's archive cache filling as apt installs, and .deb files whose content is their
 * control fields. Records every argv for exact assertions.
 */
final class FakeAptHost implements CommandRunner {
  final List<List<String>> argvs = new ArrayList<>();
  final Set<String> available = new LinkedHashSet<>();
  private final String name;
  private final Path archives;
  String installed;
  String failInstallOf;
  boolean failDpkgInstall;

  FakeAptHost(String name, String installed, Path archives) {
    this.name = name;
    this.installed = installed;
    this.archives = archives;
  }

  /** Puts a .deb of {@code version} into {@code dir}, as a file dpkg-deb will describe. */
  Path deb(Path dir, String version, String packageField) {
    Path p = dir.resolve(name + "_" + version.replace(":", "%3a") + "_all.deb");
    try {
      Files.createDirectories(dir);
      Files.writeString(p, packageField + "\t" + version + "\tall");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  List<List<String>> installs() {
    return argvs.stream()
        .filter(a -> a.contains("install") || a.contains("--install"))
        .filter(a -> !a.contains("--download-only"))
        .toList();
  }

  @Override
  public CommandResult run(Command c) {
    List<String> a = c.argv();
    argvs.add(a);
    String last = a.get(a.size() - 1);
    return switch (a.get(0)) {
      case "dpkg-query" ->
          installed == null
              ? result(c, 1, "", "dpkg-query: no packages found matching " + name + "\n")
              : result(c, 0, installed + "\tii \tinstall\n", "");
      case "apt-cache" -> policy(c);
      case "apt-get" -> aptGet(c, last);
      case "dpkg-deb" -> {
        String info = control(last);
        yield info == null
            ? result(c, 2, "", "dpkg-deb: error: '" + last + "' is not a Debian format archive\n")
            : result(c, 0, info + "\n", "");
      }
      case "dpkg" -> {
        String info = control(last);
        if (failDpkgInstall || info == null) {
          yield result(c, 1, "", "dpkg: error processing archive " + last + "\n");
        }
        installed = info.substring(info.indexOf('\t') + 1, info.lastIndexOf('\t'));
        yield result(c, 0, "", "");
      }
      default -> throw new AssertionError("unexpected command: " + a);
    };
  }

  /** A fake .deb's "Package\tVersion\tArchitecture" (its whole content), or null. */
  private static String control(String path) {
    try {
      String content = Files.readString(Path.of(path));
      return content.split("\t", -1).length == 3 ? content : null;
    } catch (IOException e) {
      return null;
    }
  }

  private CommandResult policy(Command c) {
    StringBuilder sb = new StringBuilder(name + ":\n  Installed: " + installed + "\n  Candidate: ");
    sb.append(available.isEmpty() ? "(none)" : available.iterator().next()).append('\n');
    sb.append("  Version table:\n");
    for (String v : available) {
      sb.append("     ").append(v).append(" 500\n        500 http://r stable/main all Packages\n");
    }
    return result(c, 0, sb.toString(), "");
  }

  private CommandResult aptGet(Command c, String last) {
    String version = last.substring(last.indexOf('=') + 1);
    if (!available.contains(version)) {
      return result(c, 100, "", "E: Version '" + version + "' for '" + name + "' was not found\n");
    }
    if (version.equals(failInstallOf)) {
      return result(c, 100, "", "E: Sub-process /usr/bin/dpkg returned an error code (1)\n");
    }
    if (c.argv().contains("--download-only")) {
      String prefix = "Dir::Cache::archives=";
      String dir = c.argv().stream().filter(x -> x.startsWith(prefix)).findFirst().orElseThrow();
      deb(Path.of(dir.substring(prefix.length())), version, name);
    } else {
      installed = version;
      deb(archives, version, name);
    }
    return result(c, 0, "", "");
  }

  private static CommandResult result(Command c, int exit, String out, String err) {
    return new CommandResult(c, exit, out, err, false, Duration.ZERO);
  }
}
