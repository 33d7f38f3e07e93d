package org.warehouse.agent.resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.HostPackage;
import org.warehouse.agent.apt.InstalledPackage;
import org.warehouse.agent.apt.KeptPackages;
import org.warehouse.agent.apt.PackageChange;
import org.warehouse.agent.apt.PackagePolicy;
import org.warehouse.agent.apt.PackageSets;
import org.warehouse.agent.apt.PlannedSet;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.version.DebianVersion;

/**
 * A package at the newest version its repository offers, or at a pinned version, together with its
 * set: the siblings built from the same source and the versions they need exactly move with it, in
 * one apt transaction that apt's solver simulated first ({@link PackageSets}). Never a downgrade
 * unless pinned or rolling back; held packages are left alone; an interrupted dpkg is repaired
 * first; a quarantined version is never installed; a transaction that would remove a package nobody
 * asked to remove is refused.
 *
 * <p>Before it changes the set, it keeps a .deb of every package's installed version; when the
 * install fails, the previous set is put back at once; after a good install it remembers the
 * transaction, so that a failed service check can have the whole set put back ({@link #rollback})
 * even when the repository no longer has it, and the failed version quarantined.
 */
public final class PackageResource implements Reversible {
  /** Marks the detail of a run that skipped a quarantined version ("18.09.02 quarantined: ..."). */
  public static final String QUARANTINED = " quarantined: ";

  /** Marks the detail of a run whose new version waits for a rollout slot. */
  public static final String WAITING = " waiting for the rollout: ";

  /** Marks the detail of a run whose new version's rollout is halted fleet-wide. */
  public static final String HALTED = " not installed: ";

  /** Marks the error of a failed install after which the previous set was put back. */
  public static final String RESTORED = "; restored ";

  private final String name;
  private final Optional<String> pin;
  private final AptGet apt;
  private final Dpkg dpkg;
  private final Quarantine quarantine;
  private final PackageSets sets;
  private final TransactionGate gate;
  // This run's change, for a rollback: the version installed before it (null: nothing to undo).
  private String previous;
  private PlannedSet changedSet;
  private String installedNow;
  private boolean downgraded;
  // The set this run's check planned: the apply that follows it in the same run installs it
  // unless dpkg's database changed in between, instead of having apt simulate it again.
  private PlannedSet checked;

  public PackageResource(
      String name,
      Optional<String> pin,
      AptGet apt,
      Dpkg dpkg,
      Quarantine quarantine,
      KeptPackages kept) {
    this(name, pin, apt, dpkg, quarantine, kept, TransactionGate.OPEN);
  }

  /** A package whose every transaction must pass {@code gate} (a fleet rollout's slot). */
  public PackageResource(
      String name,
      Optional<String> pin,
      AptGet apt,
      Dpkg dpkg,
      Quarantine quarantine,
      KeptPackages kept,
      TransactionGate gate) {
    this.gate = gate;
    this.name = name;
    this.pin = pin;
    this.apt = apt;
    this.dpkg = dpkg;
    this.quarantine = quarantine;
    this.sets = new PackageSets(apt, dpkg, kept);
  }

  @Override
  public ResourceId id() {
    return ResourceId.ofPackage(name);
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
      PlannedSet set = plan(DebianVersion.parse(target));
      String others = set.transaction().others(name);
      String with = others.isEmpty() ? "" : ", with " + others;
      if (!apply) {
        checked = set;
        return Result.differed(
            false, before, target, join(repaired, "would install " + name + "=" + target + with));
      }
      TransactionGate.Admission admission = gate.admit(name, target);
      if (!admission.admitted()) {
        String word = admission.verdict() == TransactionGate.Verdict.HALTED ? HALTED : WAITING;
        return settled(before, now, join(repaired, target + word + admission.why()));
      }
      boolean upgrading = installed.isPresent() && installed.get().isInstalled();
      List<String> notes = new ArrayList<>(sets.keepBefore(set));
      HostPackage after = new SetInstall(name, dpkg, sets, quarantine).install(set, target);
      if (upgrading) {
        previous = installed.get().version();
        installedNow = after.version().toString();
        changedSet = set;
        downgraded = after.version().compareTo(DebianVersion.parse(previous)) < 0;
      }
      notes.addAll(sets.keepAfter(set));
      notes.addAll(clearOlderQuarantine(after.version().toString()));
      String what =
          !upgrading ? "installed" : downgraded ? "downgraded to the pinned version" : "upgraded";
      return Result.differed(
          true,
          before,
          after.version().toString(),
          join(join(repaired, what + with), String.join("; ", notes)));
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
            (downgraded ? "downgrade" : "upgrade")
                + " of "
                + name
                + " to "
                + installedNow
                + (changedSet.transaction().others(name).isEmpty()
                    ? ""
                    : " (with " + changedSet.transaction().others(name) + ")"),
            name + " " + previous + previousOthers()));
  }

  @Override
  public Result rollback(String reason) throws ResourceException, InterruptedException {
    if (previous == null) {
      throw new ResourceException("nothing to roll back: " + name + " was not changed in this run");
    }
    String bad = installedNow;
    String target = previous;
    String quarantineNote;
    if (gate.lost()) {
      // The slot was lost (paused past the lease, halted): nothing is known against the release.
      quarantineNote = bad + " not quarantined: the rollout slot was lost, not the release";
    } else {
      try {
        quarantine.add(name, bad, reason);
        quarantineNote = bad + " quarantined";
      } catch (IOException e) {
        // Still put the old set back; the report says loudly that the next run may retry.
        quarantineNote = bad + " NOT quarantined (" + e.getMessage() + ")";
      }
    }
    String restored;
    try {
      restored = sets.restorer().restore(changedSet);
    } catch (AptException e) {
      throw new ResourceException(e.getMessage(), e);
    }
    previous = null;
    changedSet = null;
    gate.rolledBack(name, bad, reason);
    return Result.differed(true, bad, target, "reinstalled " + restored + "; " + quarantineNote);
  }

  /** The other packages of the changed set as they were, for an undo's words. */
  private String previousOthers() {
    List<String> others = new ArrayList<>();
    List<String> without = new ArrayList<>();
    for (PackageChange c : changedSet.transaction().changes()) {
      if (c.name().equals(name)) {
        continue;
      }
      if (c.from().isPresent()) {
        others.add(c.name() + " " + c.from().get());
      } else {
        without.add(c.name());
      }
    }
    String with = others.isEmpty() ? "" : "with " + String.join(", ", others);
    String less = without.isEmpty() ? "" : "without " + String.join(", ", without);
    String both = with.isEmpty() ? less : less.isEmpty() ? with : with + "; " + less;
    return both.isEmpty() ? "" : " (" + both + ")";
  }

  /** The set installing {@code target} takes: this run's check's plan while it still holds. */
  private PlannedSet plan(DebianVersion target) throws AptException, InterruptedException {
    PlannedSet set = checked;
    checked = null;
    if (set != null && set.version().equals(target) && set.before().equals(dpkg.all())) {
      return set;
    }
    return sets.plan(name, target);
  }

  private Optional<Quarantine.Entry> quarantined(String version) throws ResourceException {
    try {
      return quarantine.find(name, version);
    } catch (IOException e) {
      // Unreadable: refusing to install is safer than reinstalling a version that failed.
      throw new ResourceException("cannot read the quarantine: " + e.getMessage(), e);
    }
  }

  /** Drops quarantine entries older than the version just installed; notes what it did. */
  private List<String> clearOlderQuarantine(String version) {
    List<String> notes = new ArrayList<>();
    try {
      for (Quarantine.Entry e : quarantine.clearOlderThan(name, version)) {
        notes.add("quarantine of " + e.version() + " cleared");
      }
    } catch (IOException e) {
      notes.add("cannot update the quarantine: " + e.getMessage());
    }
    return notes;
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
