package org.warehouse.agent.resource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.InstalledPackage;
import org.warehouse.agent.apt.KeptPackages;
import org.warehouse.agent.apt.PackagePolicy;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.version.DebianVersion;

/**
 * A package at the newest version its repository offers, or at a pinned version. Never a downgrade
 * unless pinned or rolling back; held packages are left alone; an interrupted dpkg is repaired
 * first; a quarantined version is never installed.
 *
 * <p>Before it upgrades, it keeps a .deb of the installed version; after, it remembers that
 * version, so that a failed service check can have it put back ({@link #rollback}) even when the
 * repository no longer has it, and the failed version quarantined.
 */
public final class PackageResource implements Reversible {
  /** Marks the detail of a run that skipped a quarantined version ("18.09.02 quarantined: ..."). */
  public static final String QUARANTINED = " quarantined: ";

  private final String name;
  private final Optional<String> pin;
  private final AptGet apt;
  private final Dpkg dpkg;
  private final Quarantine quarantine;
  private final KeptPackages kept;
  // This run's change, for a rollback: the version installed before it (null: nothing to undo).
  private String previous;
  private String installedNow;
  private boolean downgraded;

  public PackageResource(
      String name,
      Optional<String> pin,
      AptGet apt,
      Dpkg dpkg,
      Quarantine quarantine,
      KeptPackages kept) {
    this.name = name;
    this.pin = pin;
    this.apt = apt;
    this.dpkg = dpkg;
    this.quarantine = quarantine;
    this.kept = kept;
  }

  @Override
  public String id() {
    return "package:" + name;
  }

  @Override
  public Result checkApply(boolean apply) throws ResourceException, InterruptedException {
    try {
      String repaired = "";
      String beforeRepair = null;
      if (dpkg.interrupted()) {
        if (!apply) {
          return Result.differed(
              false, "dpkg interrupted", "repaired", "would run dpkg --configure -a first");
        }
        beforeRepair =
            dpkg.installed(name).map(this::describe).orElse("dpkg interrupted") + ", interrupted";
        dpkg.repair();
        repaired = "repaired interrupted dpkg (dpkg --configure -a)";
      }
      Optional<InstalledPackage> installed = dpkg.installed(name);
      String now =
          installed.isPresent() && installed.get().hasFiles()
              ? describe(installed.get())
              : "absent";
      String before = beforeRepair != null ? beforeRepair : now;
      if (installed.isPresent() && installed.get().held()) {
        return settled(before, now, join(repaired, "held: left alone"));
      }
      PackagePolicy policy = apt.policy(name);
      String target;
      boolean downgrade = false;
      if (pin.isPresent()) {
        target = pin.get();
        if (isInstalledAt(installed, target)) {
          return settled(before, now, join(repaired, "pinned"));
        }
        if (!offers(policy, target)) {
          throw new ResourceException(
              "pinned version "
                  + target
                  + " of "
                  + name
                  + " is not in the repository (available: "
                  + (policy.available().isEmpty() ? "none" : String.join(", ", policy.available()))
                  + ")");
        }
        downgrade = true;
      } else {
        if (policy.candidate().isEmpty()) {
          throw new ResourceException("no package " + name + " in the agent's repositories");
        }
        target = policy.candidate().get();
        if (installed.isPresent()
            && installed.get().isInstalled()
            && DebianVersion.parse(installed.get().version()).compareTo(DebianVersion.parse(target))
                >= 0) {
          return settled(before, now, join(repaired, "newest"));
        }
      }
      Optional<Quarantine.Entry> bad = quarantined(target);
      if (bad.isPresent()) {
        return settled(
            before,
            now,
            join(
                repaired,
                (pin.isPresent() ? "pinned " : "")
                    + target
                    + QUARANTINED
                    + bad.get().reason()
                    + " (agent quarantine clear "
                    + name
                    + " "
                    + target
                    + " to retry)"));
      }
      if (!apply) {
        return Result.differed(
            false, before, target, join(repaired, "would install " + name + "=" + target));
      }
      String notes = "";
      boolean upgrading = installed.isPresent() && installed.get().isInstalled();
      if (upgrading) {
        notes = keep(installed.get().version(), offers(policy, installed.get().version()));
      }
      apt.install(name, target, downgrade);
      InstalledPackage after = verifyInstalled(target);
      if (upgrading) {
        previous = installed.get().version();
        installedNow = after.version();
        downgraded =
            DebianVersion.parse(after.version()).compareTo(DebianVersion.parse(previous)) < 0;
      }
      notes = join(notes, afterInstall(after.version()));
      String what =
          !upgrading ? "installed" : downgraded ? "downgraded to the pinned version" : "upgraded";
      return Result.differed(true, before, after.version(), join(join(repaired, what), notes));
    } catch (AptException e) {
      throw new ResourceException(e.getMessage(), e);
    }
  }

  @Override
  public Optional<Undo> undo() {
    if (previous == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Undo(
            (downgraded ? "downgrade" : "upgrade") + " of " + name + " to " + installedNow,
            name + " " + previous));
  }

  @Override
  public Result rollback(String reason) throws ResourceException, InterruptedException {
    if (previous == null) {
      throw new ResourceException("nothing to roll back: " + name + " was not changed in this run");
    }
    String bad = installedNow;
    String target = previous;
    String quarantineNote;
    try {
      quarantine.add(name, bad, reason);
      quarantineNote = bad + " quarantined";
    } catch (IOException e) {
      // Still put the old version back; the report says loudly that the next run may retry.
      quarantineNote = bad + " NOT quarantined (" + e.getMessage() + ")";
    }
    List<String> tried = new ArrayList<>();
    String source = null;
    try {
      if (offers(apt.policy(name), target)) {
        apt.install(name, target, true);
        source = "the repository";
      } else {
        tried.add("the repository no longer has it");
      }
    } catch (AptException e) {
      tried.add(e.getMessage());
    }
    if (source == null) {
      try {
        Optional<Path> deb = kept.find(name, target);
        if (deb.isEmpty()) {
          tried.add("no .deb in " + kept.archives() + " or " + kept.keptDir());
        } else {
          dpkg.installFile(deb.get());
          source = deb.get().toString();
        }
      } catch (AptException e) {
        tried.add(e.getMessage());
      }
    }
    if (source == null) {
      throw new ResourceException(
          "cannot reinstall " + name + " " + target + ": " + String.join("; ", tried));
    }
    try {
      verifyInstalled(target);
    } catch (AptException e) {
      throw new ResourceException(e.getMessage(), e);
    }
    previous = null;
    return Result.differed(
        true, bad, target, "reinstalled " + target + " from " + source + "; " + quarantineNote);
  }

  private Optional<Quarantine.Entry> quarantined(String version) throws ResourceException {
    try {
      return quarantine.find(name, version);
    } catch (IOException e) {
      // Unreadable: refusing to install is safer than reinstalling a version that failed.
      throw new ResourceException("cannot read the quarantine: " + e.getMessage(), e);
    }
  }

  /** Keeps a .deb of the version about to be replaced; a note when that was not possible. */
  private String keep(String version, boolean inRepository) throws InterruptedException {
    try {
      kept.keep(name, version, inRepository);
      return "";
    } catch (AptException e) {
      return "no copy of " + version + " kept for a rollback: " + e.getMessage();
    }
  }

  /**
   * Keeps the new version's .deb from apt's cache for a later rollback, drops older copies and
   * quarantine entries older than it; notes what did not work (never a failed install).
   */
  private String afterInstall(String version) throws InterruptedException {
    List<String> notes = new ArrayList<>();
    try {
      kept.keep(name, version, false);
    } catch (AptException e) {
      notes.add("no copy of " + version + " kept: " + e.getMessage());
    }
    try {
      List<String> keep = previous == null ? List.of(version) : List.of(previous, version);
      kept.prune(name, keep);
    } catch (AptException e) {
      notes.add(e.getMessage());
    }
    try {
      for (Quarantine.Entry e : quarantine.clearOlderThan(name, version)) {
        notes.add("quarantine of " + e.version() + " cleared");
      }
    } catch (IOException e) {
      notes.add("cannot update the quarantine: " + e.getMessage());
    }
    return String.join("; ", notes);
  }

  private InstalledPackage verifyInstalled(String version)
      throws AptException, InterruptedException, ResourceException {
    InstalledPackage now =
        dpkg.installed(name)
            .orElseThrow(() -> new ResourceException(name + " is not installed after installing"));
    if (!now.isInstalled()
        || !DebianVersion.parse(now.version()).equals(DebianVersion.parse(version))) {
      throw new ResourceException(name + " is " + describe(now) + " after installing " + version);
    }
    return now;
  }

  private static boolean isInstalledAt(Optional<InstalledPackage> installed, String version) {
    return installed.isPresent()
        && installed.get().isInstalled()
        && DebianVersion.parse(installed.get().version()).equals(DebianVersion.parse(version));
  }

  private static boolean offers(PackagePolicy policy, String version) {
    DebianVersion v = DebianVersion.parse(version);
    return policy.available().stream().anyMatch(a -> DebianVersion.parse(a).equals(v));
  }

  // Nothing left to install; still a change when this run repaired an interrupted dpkg.
  private static Result settled(String before, String now, String detail) {
    return before.equals(now)
        ? new Result(Outcome.UNCHANGED, now, now, detail)
        : new Result(Outcome.CHANGED, before, now, detail);
  }

  private String describe(InstalledPackage p) {
    return p.isInstalled() ? p.version() : p.version() + " (" + p.status() + ")";
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
  }
}
