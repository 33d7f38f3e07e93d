package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.warehouse.agent.version.DebianVersion;

/**
 * Decides the package set that installing {@code name=version} takes, without running anything:
 * every installed sibling (a binary of the same source package) moves to the version built from the
 * same source version, and every package the set needs at a version other than the one apt would
 * pick (an exact-version dependency on a sibling, a {@code >=}/{@code <<} pair) is named at the
 * newest version that satisfies all of the set's constraints on it. Naming them is what lets apt's
 * resolver take a pin or a downgrade, which it cannot find alone ("held broken packages"). An
 * installed sibling that the release no longer builds is dropped with it.
 */
public final class SetPlanner {
  private static final Comparator<ArchiveRecord> NEWEST_FIRST =
      Comparator.comparing(ArchiveRecord::version).reversed();

  private SetPlanner() {}

  /**
   * The set for {@code name=version}, or the names to look up first.
   *
   * @param name the managed package
   * @param version the version to install (the candidate, or a pin)
   * @param installed dpkg's database, by name
   * @param archive the records looked up so far, by name (an empty list: apt knows no such
   *     package); a name not in the map is looked up when the plan says it is missing
   */
  public static SetPlan plan(
      String name,
      DebianVersion version,
      Map<String, HostPackage> installed,
      Map<String, List<ArchiveRecord>> archive) {
    Set<String> missing = new LinkedHashSet<>();
    if (!archive.containsKey(name)) {
      return missingOnly(Set.of(name));
    }
    Optional<ArchiveRecord> target = availableAt(archive.get(name), version);
    if (target.isEmpty()) {
      return new SetPlan(
          Set.of(),
          Map.of(),
          List.of(),
          List.of(name + " " + version + " is not in the repository"));
    }
    Map<String, ArchiveRecord> chosen = new LinkedHashMap<>();
    chosen.put(name, target.get());
    List<HostPackage> dropped = new ArrayList<>();
    String source = target.get().source();
    HostPackage installedSelf = installed.get(name);
    for (HostPackage p : installed.values()) {
      boolean sibling =
          p.source().equals(source)
              || (installedSelf != null && p.source().equals(installedSelf.source()));
      if (!sibling || p.name().equals(name) || !p.present()) {
        continue;
      }
      if (!archive.containsKey(p.name())) {
        missing.add(p.name());
        continue;
      }
      Optional<ArchiveRecord> same = builtFrom(archive.get(p.name()), target.get());
      if (same.isPresent()) {
        chosen.put(p.name(), same.get());
      } else {
        dropped.add(p);
      }
    }
    if (!missing.isEmpty()) {
      return missingOnly(missing);
    }
    List<String> conflicts = new ArrayList<>();
    // Add what the chosen records need exactly, until nothing new is chosen.
    boolean grew = true;
    while (grew) {
      grew = false;
      Map<String, List<Need>> needs = versionedNeeds(chosen.values());
      for (Map.Entry<String, List<Need>> e : needs.entrySet()) {
        String dep = e.getKey();
        List<Need> on = e.getValue();
        if (!archive.containsKey(dep)) {
          missing.add(dep);
          continue;
        }
        List<ArchiveRecord> offered = available(archive.get(dep));
        if (chosen.containsKey(dep)) {
          ArchiveRecord c = chosen.get(dep);
          if (!allowsAll(on, c.version())) {
            conflicts.add(explain(on, offered));
          }
          continue;
        }
        HostPackage have = installed.get(dep);
        if (have != null && have.configured() && allowsAll(on, have.version())) {
          continue; // apt leaves it as it is
        }
        Optional<ArchiveRecord> aptPick = aptCandidate(offered, have);
        if (aptPick.isPresent() && allowsAll(on, aptPick.get().version())) {
          continue; // apt installs or upgrades it to its candidate by itself
        }
        Optional<ArchiveRecord> pick = newestAllowed(offered, on);
        if (pick.isPresent()) {
          chosen.put(dep, pick.get());
          grew = true;
        } else {
          conflicts.add(explain(on, offered));
        }
      }
      if (!missing.isEmpty()) {
        return missingOnly(missing);
      }
      if (!conflicts.isEmpty()) {
        break;
      }
    }
    Map<String, DebianVersion> requests = new LinkedHashMap<>();
    Set<String> named = new LinkedHashSet<>();
    for (ArchiveRecord r : chosen.values()) {
      requests.put(r.name(), r.version());
      for (List<Relation> group : r.depends()) {
        for (Relation rel : group) {
          named.add(rel.name());
        }
      }
    }
    // A sibling the set still depends on is apt's to keep or move, never ours to remove.
    dropped.removeIf(p -> requests.containsKey(p.name()) || named.contains(p.name()));
    return new SetPlan(Set.of(), requests, dropped, conflicts);
  }

  /** One versioned requirement on a package, and which record has it. */
  private record Need(ArchiveRecord by, Relation relation) {}

  private static Map<String, List<Need>> versionedNeeds(Iterable<ArchiveRecord> records) {
    Map<String, List<Need>> out = new LinkedHashMap<>();
    for (ArchiveRecord r : records) {
      for (List<Relation> group : r.depends()) {
        // Alternatives are apt's to choose; only a single versioned relation binds a version.
        if (group.size() != 1 || !group.get(0).versioned()) {
          continue;
        }
        Relation rel = group.get(0);
        out.computeIfAbsent(rel.name(), k -> new ArrayList<>()).add(new Need(r, rel));
      }
    }
    return out;
  }

  private static boolean allowsAll(List<Need> needs, DebianVersion v) {
    for (Need n : needs) {
      if (!n.relation().allows(v)) {
        return false;
      }
    }
    return true;
  }

  private static Optional<ArchiveRecord> newestAllowed(List<ArchiveRecord> offered, List<Need> on) {
    for (ArchiveRecord r : offered) {
      if (allowsAll(on, r.version())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** apt's candidate without pins: the newest offered, unless the installed one is newer. */
  private static Optional<ArchiveRecord> aptCandidate(
      List<ArchiveRecord> offered, HostPackage have) {
    if (offered.isEmpty()) {
      return Optional.empty();
    }
    ArchiveRecord newest = offered.get(0);
    if (have != null && have.present() && have.version().compareTo(newest.version()) > 0) {
      return Optional.empty();
    }
    return Optional.of(newest);
  }

  private static String explain(List<Need> on, List<ArchiveRecord> offered) {
    List<String> wants = new ArrayList<>();
    String by = null;
    for (Need n : on) {
      String who = n.by().name() + " " + n.by().version();
      if (by == null || !by.startsWith(who)) {
        by = by == null ? who : by + " and " + who;
      }
      wants.add(n.relation().toString());
    }
    List<String> versions = new ArrayList<>();
    for (ArchiveRecord r : offered) {
      versions.add(r.version().toString());
    }
    return by
        + (by.contains(" and ") ? " need " : " needs ")
        + String.join(" and ", wants)
        + ", but the archive offers "
        + (versions.isEmpty() ? "no version of it" : "only " + String.join(", ", versions));
  }

  private static Optional<ArchiveRecord> availableAt(List<ArchiveRecord> records, DebianVersion v) {
    for (ArchiveRecord r : records) {
      if (r.available() && r.version().equals(v)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static Optional<ArchiveRecord> builtFrom(List<ArchiveRecord> records, ArchiveRecord t) {
    for (ArchiveRecord r : available(records)) {
      if (r.source().equals(t.source()) && r.sourceVersion().equals(t.sourceVersion())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static List<ArchiveRecord> available(List<ArchiveRecord> records) {
    List<ArchiveRecord> out = new ArrayList<>();
    for (ArchiveRecord r : records) {
      if (r.available()) {
        out.add(r);
      }
    }
    out.sort(NEWEST_FIRST);
    return out;
  }

  private static SetPlan missingOnly(Set<String> names) {
    return new SetPlan(names, Map.of(), List.of(), List.of());
  }
}
