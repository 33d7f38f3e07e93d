package org.warehouse.agent.resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.version.DebianVersion;

/**
 * A host's apt and dpkg as far as the package resource sees them: the managed package, whose
 * installed version changes when apt-get installs it or dpkg installs a .deb, a repository offering
 * some versions of it, other packages (siblings with a source and dependencies), apt's archive
 * cache filling as apt installs, and .deb files whose content is their control fields. apt-get's
 * simulation names what an install would do as apt does ({@code Inst}/{@code Remv} lines), pulling
 * in missing dependencies at their newest version. Records every argv for exact assertions.
 */
final class FakeAptHost implements CommandRunner {
  final List<List<String>> argvs = new ArrayList<>();

  /** Versions of the managed package the repository offers, newest first. */
  final Set<String> available = new LinkedHashSet<>();

  /** Depends fields of the managed package's versions (absent: none). */
  final Map<String, String> dependsOf = new HashMap<>();

  /** Other packages the repository offers: name -> version -> Depends field. */
  final Map<String, Map<String, String>> others = new TreeMap<>();

  /** Other packages installed: name -> version. */
  final Map<String, String> otherInstalled = new TreeMap<>();

  private final String name;
  private final Path archives;
  String installed;

  /** dpkg's status of the managed package: a failed install leaves it half-configured. */
  String installedStatus = "ii ";

  String failInstallOf;
  boolean failDpkgInstall;
  boolean failAllAptInstalls;

  FakeAptHost(String name, String installed, Path archives) {
    this.name = name;
    this.installed = installed;
    this.archives = archives;
  }

  /** Puts a .deb of the managed package's {@code version} into {@code dir}. */
  Path deb(Path dir, String version, String packageField) {
    return debOf(dir, name, version, packageField);
  }

  /** Puts a .deb of {@code pkg=version} into {@code dir}, as a file dpkg-deb will describe. */
  static Path debOf(Path dir, String pkg, String version, String packageField) {
    Path p = dir.resolve(pkg + "_" + version.replace(":", "%3a") + "_all.deb");
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
        .filter(a -> !a.contains("--download-only") && !a.contains("-s"))
        .toList();
  }

  @Override
  public CommandResult run(Command c) {
    List<String> a = c.argv();
    argvs.add(a);
    String last = a.get(a.size() - 1);
    return switch (a.get(0)) {
      case "dpkg-query" -> dpkgQuery(c, a);
      case "apt-cache" -> a.contains("show") ? show(c, a) : policy(c);
      case "apt-get" -> aptGet(c, a);
      case "dpkg-deb" -> {
        String info = control(last);
        yield info == null
            ? result(c, 2, "", "dpkg-deb: error: '" + last + "' is not a Debian format archive\n")
            : result(c, 0, info + "\n", "");
      }
      case "dpkg" -> dpkg(c, a);
      default -> throw new AssertionError("unexpected command: " + a);
    };
  }

  private Map<String, String> allInstalled() {
    Map<String, String> all = new TreeMap<>(otherInstalled);
    if (installed != null) {
      all.put(name, installed);
    }
    return all;
  }

  private CommandResult dpkgQuery(Command c, List<String> a) {
    if (!a.contains("--")) {
      StringBuilder sb = new StringBuilder();
      allInstalled()
          .forEach(
              (n, v) ->
                  sb.append(n)
                      .append('\t')
                      .append(v)
                      .append('\t')
                      .append(n.equals(name) ? installedStatus : "ii ")
                      .append('\t')
                      .append(n.startsWith(name) ? name : n)
                      .append('\t')
                      .append(v)
                      .append('\n'));
      return result(c, 0, sb.toString(), "");
    }
    String pkg = a.get(a.size() - 1);
    String v = allInstalled().get(pkg);
    return v == null
        ? result(c, 1, "", "dpkg-query: no packages found matching " + pkg + "\n")
        : result(c, 0, v + "\t" + (pkg.equals(name) ? installedStatus : "ii ") + "\tinstall\n", "");
  }

  /**
   * Repository records, as apt-cache show prints them; the managed package's siblings share its
   * source.
   */
  private CommandResult show(Command c, List<String> a) {
    StringBuilder sb = new StringBuilder();
    for (String pkg : a.subList(a.indexOf("--") + 1, a.size())) {
      for (Map.Entry<String, String> e : versions(pkg).entrySet()) {
        sb.append("Package: ").append(pkg).append("\nVersion: ").append(e.getKey()).append('\n');
        if (pkg.startsWith(name + "-")) {
          sb.append("Source: ").append(name).append('\n');
        }
        if (!e.getValue().isEmpty()) {
          sb.append("Depends: ").append(e.getValue()).append('\n');
        }
        sb.append('\n');
      }
    }
    return result(c, 0, sb.toString(), "");
  }

  private Map<String, String> versions(String pkg) {
    if (pkg.equals(name)) {
      Map<String, String> out = new java.util.LinkedHashMap<>();
      for (String v : available) {
        out.put(v, dependsOf.getOrDefault(v, ""));
      }
      return out;
    }
    return others.getOrDefault(pkg, Map.of());
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

  private CommandResult aptGet(Command c, List<String> a) {
    List<String> items = a.subList(a.indexOf("--") + 1, a.size());
    if (a.contains("--download-only")) {
      String item = items.get(0);
      String pkg = item.substring(0, item.indexOf('='));
      String version = item.substring(item.indexOf('=') + 1);
      if (!versions(pkg).containsKey(version)) {
        return result(c, 100, "", "E: Version '" + version + "' for '" + pkg + "' was not found\n");
      }
      String prefix = "Dir::Cache::archives=";
      String dir = a.stream().filter(x -> x.startsWith(prefix)).findFirst().orElseThrow();
      debOf(Path.of(dir.substring(prefix.length())), pkg, version, pkg);
      return result(c, 0, "", "");
    }
    Map<String, String> target = new TreeMap<>(allInstalled());
    StringBuilder sim = new StringBuilder();
    List<String[]> debs = new ArrayList<>();
    for (String item : items) {
      if (item.startsWith("/")) {
        String info = control(item);
        if (info == null) {
          return result(c, 100, "", "E: Invalid archive " + item + "\n");
        }
        String[] f = info.split("\t", -1);
        target.put(f[0], f[1]);
      } else if (item.endsWith("-")) {
        target.remove(item.substring(0, item.length() - 1));
      } else {
        String pkg = item.substring(0, item.indexOf('='));
        String version = item.substring(item.indexOf('=') + 1);
        if (!versions(pkg).containsKey(version)) {
          return result(
              c, 100, "", "E: Version '" + version + "' for '" + pkg + "' was not found\n");
        }
        target.put(pkg, version);
        debs.add(new String[] {pkg, version});
        pullIn(versions(pkg).get(version), target, debs);
      }
    }
    Map<String, String> before = allInstalled();
    for (Map.Entry<String, String> e : target.entrySet()) {
      String old = before.get(e.getKey());
      if (!e.getValue().equals(old)) {
        sim.append("Inst ").append(e.getKey());
        if (old != null) {
          sim.append(" [").append(old).append(']');
        }
        sim.append(" (").append(e.getValue()).append(" stable [all])\n");
      }
    }
    for (Map.Entry<String, String> e : before.entrySet()) {
      if (!target.containsKey(e.getKey())) {
        sim.append("Remv ").append(e.getKey()).append(" [").append(e.getValue()).append("]\n");
      }
    }
    if (a.contains("-s")) {
      return result(c, 0, sim.toString(), "");
    }
    String managedTo = target.get(name);
    if (failAllAptInstalls || (managedTo != null && managedTo.equals(failInstallOf))) {
      if (managedTo != null && managedTo.equals(failInstallOf)) {
        // dpkg unpacked the new version, its postinst failed.
        installed = managedTo;
        installedStatus = "iF ";
      }
      return result(c, 100, "", "E: Sub-process /usr/bin/dpkg returned an error code (1)\n");
    }
    installed = target.remove(name);
    installedStatus = "ii ";
    otherInstalled.clear();
    otherInstalled.putAll(target);
    for (String[] d : debs) {
      debOf(archives, d[0], d[1], d[0]);
    }
    return result(c, 0, sim.toString(), "");
  }

  /** apt installs missing dependencies at their newest version. */
  private void pullIn(String depends, Map<String, String> target, List<String[]> debs) {
    for (String group : depends.split(",", -1)) {
      String dep = group.strip().split("[ (|]", -1)[0];
      if (dep.isEmpty() || target.containsKey(dep) || versions(dep).isEmpty()) {
        continue;
      }
      String newest =
          versions(dep).keySet().stream()
              .max((x, y) -> DebianVersion.parse(x).compareTo(DebianVersion.parse(y)))
              .orElseThrow();
      target.put(dep, newest);
      debs.add(new String[] {dep, newest});
    }
  }

  private CommandResult dpkg(Command c, List<String> a) {
    if (a.contains("--audit")) {
      return result(c, 0, "", "");
    }
    List<String> items = a.contains("--") ? a.subList(a.indexOf("--") + 1, a.size()) : List.of();
    if (a.contains("--remove")) {
      for (String n : items) {
        if (n.equals(name)) {
          installed = null;
        }
        otherInstalled.remove(n);
      }
      return result(c, 0, "", "");
    }
    if (a.contains("--install")) {
      if (failDpkgInstall) {
        return result(c, 1, "", "dpkg: error processing archive " + items.get(0) + "\n");
      }
      for (String path : items) {
        String info = control(path);
        if (info == null) {
          return result(c, 1, "", "dpkg: error processing archive " + path + "\n");
        }
        String[] f = info.split("\t", -1);
        if (f[0].equals(name)) {
          installed = f[1];
          installedStatus = "ii ";
        } else {
          otherInstalled.put(f[0], f[1]);
        }
      }
      return result(c, 0, "", "");
    }
    return result(c, 0, "", "");
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

  private static CommandResult result(Command c, int exit, String out, String err) {
    return new CommandResult(c, exit, out, err, false, Duration.ZERO);
  }
}
