package org.warehouse.agent.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Warehouse release split as real archives split sources: {@code warehouse} (the web service)
 * depends on {@code warehouse-common (= V)} and {@code warehouse-worker (= V)}; the worker on
 * {@code warehouse-common (>= V), warehouse-common (<< V.1~)}, the pair Debian's substvars write;
 * all three built from source {@code warehouse}. Options add a dependency of another source, drop
 * the worker, or make one binary misbehave.
 */
final class SplitRelease {
  private final String version;
  private PackageKind web = PackageKind.GOOD;
  private int webSeconds = 120;
  private PackageKind common = PackageKind.GOOD;
  private PackageKind worker = PackageKind.GOOD;
  private boolean withWorker = true;
  private final List<String> commonDepends = new ArrayList<>();

  private SplitRelease(String version) {
    this.version = version;
  }

  static SplitRelease of(String version) {
    return new SplitRelease(version);
  }

  SplitRelease web(PackageKind kind) {
    this.web = kind;
    return this;
  }

  /** The wait of a slow or slow-postinst warehouse. */
  SplitRelease webSeconds(int seconds) {
    this.webSeconds = seconds;
    return this;
  }

  SplitRelease common(PackageKind kind) {
    this.common = kind;
    return this;
  }

  SplitRelease worker(PackageKind kind) {
    this.worker = kind;
    return this;
  }

  /** The release no longer builds warehouse-worker, and warehouse no longer needs it. */
  SplitRelease withoutWorker() {
    this.withWorker = false;
    return this;
  }

  /** warehouse-common gains a dependency, e.g. {@code "libfoo1 (>= 1.0)"}. */
  SplitRelease commonNeeds(String relation) {
    commonDepends.add(relation);
    return this;
  }

  /** Builds the release's .debs into {@code dir}. */
  List<Path> build(Path dir) {
    List<Path> debs = new ArrayList<>();
    String webDeps = "warehouse-common (= " + version + ")";
    if (withWorker) {
      webDeps += ", warehouse-worker (= " + version + ")";
    }
    debs.add(
        PackageBuilder.warehouse(version)
            .source("warehouse")
            .kind(web)
            .seconds(webSeconds)
            .depends(webDeps)
            .buildInto(dir));
    PackageBuilder c =
        PackageBuilder.sibling("warehouse-common", version).source("warehouse").kind(common);
    if (!commonDepends.isEmpty()) {
      c.depends(String.join(", ", commonDepends));
    }
    debs.add(c.buildInto(dir));
    if (withWorker) {
      debs.add(
          PackageBuilder.sibling("warehouse-worker", version)
              .source("warehouse")
              .kind(worker)
              .depends(
                  "warehouse-common (>= " + version + "), warehouse-common (<< " + version + ".1~)")
              .buildInto(dir));
    }
    return debs;
  }
}
