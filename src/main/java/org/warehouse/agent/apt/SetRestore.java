package org.warehouse.agent.apt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.version.DebianVersion;

/**
 * Puts a package set back as it was before a transaction, in one apt transaction: every package the
 * transaction changed or removed goes back to its previous version (the agent's kept .deb first, so
 * no repository is needed; else the repository), and every package it newly installed is removed,
 * so that the host is on exactly the set it ran before. When apt cannot (dpkg left interrupted by a
 * killed maintainer script, say), one {@code dpkg --install} of all the kept .debs does it. It then
 * checks dpkg: every package at its old version and configured, {@code dpkg --audit} empty;
 * otherwise it says exactly what state each package is in and how to repair it.
 */
public final class SetRestore {
  private final AptGet apt;
  private final Dpkg dpkg;
  private final KeptPackages kept;

  public SetRestore(AptGet apt, Dpkg dpkg, KeptPackages kept) {
    this.apt = apt;
    this.dpkg = dpkg;
    this.kept = kept;
  }

  /**
   * Restores the set from before {@code set}'s transaction.
   *
   * @return how, e.g. {@code warehouse 18.09.01, warehouse-common 18.09.01 from kept .debs}
   * @throws AptException when the host is not back on the old set, saying each package's state and
   *     the command that repairs it
   */
  public String restore(PlannedSet set) throws AptException, InterruptedException {
    List<String> items = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<String> removals = new ArrayList<>();
    List<String> unavailable = new ArrayList<>();
    List<String> back = new ArrayList<>();
    int fromRepository = 0;
    for (PackageChange c : set.transaction().changes()) {
      if (c.from().isEmpty()) {
        items.add(c.name() + "-");
        removals.add(c.name());
        continue;
      }
      DebianVersion old = c.from().get();
      back.add(c.name() + " " + old);
      Optional<Path> deb = kept.find(c.name(), old.toString());
      if (deb.isPresent()) {
        items.add(deb.get().toString());
        files.add(deb.get());
      } else if (set.offered(c.name(), old)) {
        items.add(c.name() + "=" + old);
        fromRepository++;
      } else {
        unavailable.add(c.name() + " " + old);
      }
    }
    String what = "cannot reinstall " + String.join(", ", back) + ": ";
    if (!unavailable.isEmpty()) {
      throw new AptException(
          "cannot reinstall "
              + String.join(", ", unavailable)
              + ": the repository no longer has it; no .deb in "
              + kept.archives()
              + " or "
              + kept.keptDir()
              + "; "
              + state(set, List.of()));
    }
    String tried = "";
    try {
      apt.installSet(items);
    } catch (AptException e) {
      tried = e.getMessage();
      if (files.size() != back.size()) {
        throw new AptException(what + tried + "; " + state(set, items), e);
      }
      try {
        dpkg.installFiles(files);
        if (!removals.isEmpty()) {
          dpkg.remove(removals);
        }
      } catch (AptException again) {
        throw new AptException(
            what + tried + "; then " + again.getMessage() + "; " + state(set, items), again);
      }
    }
    List<String> wrong = wrongState(set);
    String audit = dpkg.audit();
    if (!wrong.isEmpty() || !audit.isEmpty()) {
      throw new AptException(
          what
              + (tried.isEmpty() ? "" : tried + "; ")
              + "not back on the previous set: "
              + state(set, items));
    }
    String how =
        fromRepository == 0
            ? " from kept .debs"
            : files.isEmpty() ? " from the repository" : " from kept .debs and the repository";
    return String.join(", ", back)
        + how
        + (tried.isEmpty() ? "" : " (with dpkg, after apt failed: " + tried + ")")
        + (removals.isEmpty()
            ? ""
            : "; removed " + String.join(", ", removals) + " (new in the failed set)");
  }

  /** Packages of the transaction not at their version before it (or not removed, if new). */
  private List<String> wrongState(PlannedSet set) throws AptException, InterruptedException {
    Map<String, HostPackage> now = dpkg.all();
    List<String> wrong = new ArrayList<>();
    for (PackageChange c : set.transaction().changes()) {
      HostPackage p = now.get(c.name());
      if (c.from().isEmpty()) {
        if (p != null && p.present()) {
          wrong.add(c.name());
        }
      } else if (p == null || !p.configured() || !p.version().equals(c.from().get())) {
        wrong.add(c.name());
      }
    }
    return wrong;
  }

  /** Each package's state per dpkg, dpkg --audit's words, and the one command that repairs it. */
  private String state(PlannedSet set, List<String> items) throws InterruptedException {
    List<String> states = new ArrayList<>();
    String audit;
    try {
      Map<String, HostPackage> now = dpkg.all();
      for (PackageChange c : set.transaction().changes()) {
        HostPackage p = now.get(c.name());
        states.add(p == null || !p.present() ? c.name() + " not installed" : p.describe());
      }
      audit = dpkg.audit();
    } catch (AptException e) {
      return "dpkg cannot be read: " + e.getMessage() + "; repair by hand: dpkg --audit";
    }
    return "now "
        + String.join(", ", states)
        + (audit.isEmpty() ? "" : "; dpkg --audit: " + audit.replaceAll("\\s*\\R\\s*", " "))
        + (items.isEmpty()
            ? "; publish the old versions again or install them by hand"
            : "; repair with: apt-get install --allow-downgrades " + String.join(" ", items));
  }
}
