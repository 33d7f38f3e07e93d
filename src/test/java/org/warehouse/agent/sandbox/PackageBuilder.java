package org.warehouse.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds fixture .deb files with test-fixtures/build-package.sh (about 0.1 s each). */
public final class PackageBuilder {
  private final String name;
  private final String version;
  private PackageKind kind = PackageKind.GOOD;
  private int seconds = 120;
  private String depends = "";
  private String source = "";

  private PackageBuilder(String name, String version) {
    this.name = name;
    this.version = version;
  }

  /** The {@code warehouse} package: /opt/warehouse and the warehouse-web service. */
  public static PackageBuilder warehouse(String version) {
    return new PackageBuilder("warehouse", version);
  }

  /** A package unrelated to Warehouse: one file, /usr/share/NAME/VERSION, and no service. */
  public static PackageBuilder unrelated(String name, String version) {
    if (name.equals("warehouse")) {
      throw new IllegalArgumentException("use PackageBuilder.warehouse for warehouse");
    }
    return new PackageBuilder(name, version);
  }

  /**
   * A sibling of {@code warehouse} built from the same source: {@code warehouse-common} (its
   * library: warehouse-web refuses to start on another version of it) or {@code warehouse-worker}
   * (a service of its own); see test-fixtures/build-package.sh. Add {@link #source} and {@link
   * #depends} as the release needs.
   */
  public static PackageBuilder sibling(String name, String version) {
    if (!name.equals("warehouse-common") && !name.equals("warehouse-worker")) {
      throw new IllegalArgumentException("no fixture sibling " + name);
    }
    return new PackageBuilder(name, version);
  }

  /**
   * How the package behaves (default {@link PackageKind#GOOD}): warehouse's kinds for warehouse,
   * {@link PackageKind#POSTINST_FAILS} for warehouse-common, {@link PackageKind#CRASH} for
   * warehouse-worker; build-package.sh refuses other pairs.
   */
  public PackageBuilder kind(PackageKind kind) {
    this.kind = kind;
    return this;
  }

  /** A Source: field, e.g. {@code "warehouse"} for every binary of a split release. */
  public PackageBuilder source(String source) {
    this.source = source;
    return this;
  }

  /** The wait of {@link PackageKind#SLOW} and {@link PackageKind#SLOW_POSTINST} (default 120). */
  public PackageBuilder seconds(int seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("negative seconds");
    }
    this.seconds = seconds;
    return this;
  }

  /** A Depends field, e.g. {@code "missing-package (>= 1)"} for an uninstallable version. */
  public PackageBuilder depends(String depends) {
    this.depends = depends;
    return this;
  }

  /**
   * Builds the package into {@code outDir} (created if needed) and returns the .deb, named
   * NAME_VERSION_all.deb (epoch dropped): two kinds of one version overwrite each other, so give
   * each build its own version.
   */
  public Path buildInto(Path outDir) {
    List<String> argv = new ArrayList<>();
    argv.add("/bin/bash");
    argv.add(Fixtures.script("build-package.sh").toString());
    if (!name.equals("warehouse")) {
      argv.addAll(List.of("--name", name));
    }
    argv.addAll(List.of("--seconds", Integer.toString(seconds)));
    if (!depends.isEmpty()) {
      argv.addAll(List.of("--depends", depends));
    }
    if (!source.isEmpty()) {
      argv.addAll(List.of("--source", source));
    }
    argv.addAll(List.of(outDir.toAbsolutePath().toString(), version, kind.scriptName()));
    ExecResult result =
        HostProcesses.run(argv, Map.of(), Path.of("/"), Duration.ofSeconds(60)).requireSuccess();
    Path deb = Path.of(result.stdout().strip());
    if (!Files.isRegularFile(deb)) {
      throw new SandboxException("build-package.sh printed no .deb: " + result);
    }
    return deb;
  }
}
