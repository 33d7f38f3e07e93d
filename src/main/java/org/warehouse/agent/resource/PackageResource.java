package org.warehouse.agent.resource;

import java.util.Optional;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.InstalledPackage;
import org.warehouse.agent.apt.PackagePolicy;
import org.warehouse.agent.version.DebianVersion;

/**
 * A package at the newest version its repository offers, or at a pinned version. Never a downgrade
 * unless pinned; held packages are left alone; an interrupted dpkg is repaired first.
 */
public final class PackageResource implements Resource {
  private final String name;
  private final Optional<String> pin;
  private final AptGet apt;
  private final Dpkg dpkg;

  public PackageResource(String name, Optional<String> pin, AptGet apt, Dpkg dpkg) {
    this.name = name;
    this.pin = pin;
    this.apt = apt;
    this.dpkg = dpkg;
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
          installed.filter(InstalledPackage::hasFiles).map(this::describe).orElse("absent");
      String before = beforeRepair != null ? beforeRepair : now;
      if (installed.isPresent() && installed.get().held()) {
        return settled(before, now, join(repaired, "held: left alone"));
      }
      PackagePolicy policy = apt.policy(name);
      String target;
      boolean downgrade = false;
      if (pin.isPresent()) {
        target = pin.get();
        boolean alreadyThere =
            installed.isPresent()
                && installed.get().isInstalled()
                && DebianVersion.parse(installed.get().version())
                    .equals(DebianVersion.parse(target));
        if (alreadyThere) {
          return settled(before, now, join(repaired, "pinned"));
        }
        if (!policy.available().contains(target)) {
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
      if (!apply) {
        return Result.differed(
            false, before, target, join(repaired, "would install " + name + "=" + target));
      }
      apt.install(name, target, downgrade);
      InstalledPackage after =
          dpkg.installed(name)
              .orElseThrow(
                  () -> new ResourceException(name + " is not installed after apt-get install"));
      if (!after.isInstalled()
          || !DebianVersion.parse(after.version()).equals(DebianVersion.parse(target))) {
        throw new ResourceException(
            name + " is " + describe(after) + " after installing " + target);
      }
      String how =
          installed.isEmpty() || !installed.get().hasFiles()
              ? "installed"
              : downgrade
                      && DebianVersion.parse(target)
                              .compareTo(DebianVersion.parse(installed.get().version()))
                          < 0
                  ? "downgraded to the pinned version"
                  : "upgraded";
      return Result.differed(true, before, after.version(), join(repaired, how));
    } catch (AptException e) {
      throw new ResourceException(e.getMessage(), e);
    }
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
    return a.isEmpty() ? b : a + "; " + b;
  }
}
