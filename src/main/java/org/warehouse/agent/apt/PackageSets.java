package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.warehouse.agent.version.DebianVersion;

/**
 * Plans, installs and restores a managed package together with its set: reads dpkg's database and
 * the archive's records, lets {@link SetPlanner} decide, has apt's solver simulate the result, and
 * refuses a transaction that would remove a package nobody asked to remove.
 */
public final class PackageSets {
  // Enough for a chain of exact-version dependencies several packages deep.
  private static final int MAX_LOOKUPS = 8;
  private final AptGet apt;
  private final Dpkg dpkg;
  private final KeptPackages kept;

  public PackageSets(AptGet apt, Dpkg dpkg, KeptPackages kept) {
    this.apt = apt;
    this.dpkg = dpkg;
    this.kept = kept;
  }

  /** The restorer for sets this planner made. */
  public SetRestore restorer() {
    return new SetRestore(apt, dpkg, kept);
  }

  /**
   * The set that installing {@code name=version} takes, simulated by apt.
   *
   * @throws AptException naming the conflict (in the operator's words, beside apt's own line), or
   *     the package apt would remove
   */
  public PlannedSet plan(String name, DebianVersion version)
      throws AptException, InterruptedException {
    Map<String, HostPackage> installed = dpkg.all();
    Map<String, List<ArchiveRecord>> archive = new HashMap<>();
    Set<String> first = new LinkedHashSet<>();
    first.add(name);
    HostPackage self = installed.get(name);
    if (self != null) {
      for (HostPackage p : installed.values()) {
        if (p.source().equals(self.source()) && p.present()) {
          first.add(p.name());
        }
      }
    }
    archive.putAll(apt.show(first));
    SetPlan plan = SetPlanner.plan(name, version, installed, archive);
    for (int i = 0; !plan.missing().isEmpty() && i < MAX_LOOKUPS; i++) {
      archive.putAll(apt.show(plan.missing()));
      plan = SetPlanner.plan(name, version, installed, archive);
    }
    if (!plan.missing().isEmpty()) {
      throw new AptException(
          "cannot resolve the package set of "
              + name
              + " "
              + version
              + ": dependencies nested"
              + " deeper than "
              + MAX_LOOKUPS
              + " levels");
    }
    List<String> arguments =
        plan.requests().isEmpty() ? List.of(name + "=" + version) : plan.aptArguments();
    Transaction t;
    try {
      t = apt.simulate(arguments);
    } catch (AptException e) {
      if (plan.conflicts().isEmpty()) {
        throw e;
      }
      throw new AptException(
          "cannot install "
              + name
              + " "
              + version
              + ": "
              + String.join("; ", plan.conflicts())
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    checkRemovals(name, version, plan, t);
    Set<String> offered = new HashSet<>();
    for (List<ArchiveRecord> records : archive.values()) {
      for (ArchiveRecord r : records) {
        if (r.available()) {
          offered.add(r.name() + "=" + r.version());
        }
      }
    }
    return new PlannedSet(name, version, arguments, t, installed, offered);
  }

  /**
   * Keeps a .deb of the version every package of the set has before the change, for a rollback that
   * needs no repository; returns notes on what could not be kept (never a failure).
   */
  public List<String> keepBefore(PlannedSet set) throws InterruptedException {
    List<String> notes = new ArrayList<>();
    for (PackageChange c : set.transaction().changes()) {
      if (c.from().isEmpty()) {
        continue;
      }
      String old = c.from().get().toString();
      try {
        kept.keep(c.name(), old, set.offered(c.name(), c.from().get()));
      } catch (AptException e) {
        notes.add("no copy of " + c.name() + " " + old + " kept for a rollback: " + e.getMessage());
      }
    }
    return notes;
  }

  /**
   * Keeps the new versions' .debs (from apt's cache) and drops older copies of each package of the
   * set, keeping the versions before and after; returns notes on what did not work.
   */
  public List<String> keepAfter(PlannedSet set) throws InterruptedException {
    List<String> notes = new ArrayList<>();
    for (PackageChange c : set.transaction().changes()) {
      List<String> versions = new ArrayList<>();
      c.from().ifPresent(v -> versions.add(v.toString()));
      if (c.to().isPresent()) {
        String v = c.to().get().toString();
        versions.add(v);
        try {
          kept.keep(c.name(), v, false);
        } catch (AptException e) {
          notes.add("no copy of " + c.name() + " " + v + " kept: " + e.getMessage());
        }
      }
      try {
        kept.prune(c.name(), versions);
      } catch (AptException e) {
        notes.add(e.getMessage());
      }
    }
    return notes;
  }

  /** Installs the planned set in one apt transaction. */
  public void install(PlannedSet set) throws AptException, InterruptedException {
    apt.installSet(set.arguments());
  }

  /**
   * Checks that dpkg's database {@code now} has every package of the transaction at the version it
   * planned, configured, and the removed ones gone; returns what is not so (empty: all is well).
   */
  public static List<String> mismatches(PlannedSet set, Map<String, HostPackage> now) {
    List<String> wrong = new ArrayList<>();
    for (PackageChange c : set.transaction().changes()) {
      HostPackage p = now.get(c.name());
      Optional<DebianVersion> want = c.to();
      if (want.isEmpty()) {
        if (p != null && p.present()) {
          wrong.add(p.describe() + " (should be removed)");
        }
      } else if (p == null || !p.present()) {
        wrong.add(c.name() + " not installed (should be " + want.get() + ")");
      } else if (!p.configured() || !p.version().equals(want.get())) {
        wrong.add(p.describe() + " (should be " + want.get() + ")");
      }
    }
    return wrong;
  }

  /**
   * True when dpkg still has every package of the set's transaction as before it (a download that
   * failed before dpkg ran): then there is nothing to restore.
   */
  public boolean untouched(PlannedSet set) throws AptException, InterruptedException {
    Map<String, HostPackage> now = dpkg.all();
    for (PackageChange c : set.transaction().changes()) {
      HostPackage was = set.before().get(c.name());
      HostPackage is = now.get(c.name());
      boolean wasThere = was != null && was.present();
      boolean isThere = is != null && is.present();
      if (wasThere != isThere
          || (isThere && (!is.configured() || !is.version().equals(was.version())))) {
        return false;
      }
    }
    return true;
  }

  private static void checkRemovals(String name, DebianVersion version, SetPlan plan, Transaction t)
      throws AptException {
    Set<String> dropped = new HashSet<>();
    for (HostPackage p : plan.dropped()) {
      dropped.add(p.name());
    }
    List<String> refused = new ArrayList<>();
    for (PackageChange c : t.removals()) {
      if (!dropped.contains(c.name())) {
        refused.add(c.name() + " " + c.from().map(DebianVersion::toString).orElse(""));
      }
    }
    if (!refused.isEmpty()) {
      throw new AptException(
          "installing "
              + name
              + " "
              + version
              + " would remove "
              + String.join(", ", refused)
              + ", which the agent was not asked to remove; refusing the whole change (remove it"
              + " by hand, or make it installable with the new version)");
    }
  }
}
