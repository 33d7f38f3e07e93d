package org.warehouse.agent.resource;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.HostPackage;
import org.warehouse.agent.apt.PackageSets;
import org.warehouse.agent.apt.PlannedSet;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.version.DebianVersion;

/** The install step of {@link PackageResource}: the set in, or the previous set put back. */
final class SetInstall {
  private final String name;
  private final Dpkg dpkg;
  private final PackageSets sets;
  private final Quarantine quarantine;

  SetInstall(String name, Dpkg dpkg, PackageSets sets, Quarantine quarantine) {
    this.name = name;
    this.dpkg = dpkg;
    this.sets = sets;
    this.quarantine = quarantine;
  }

  /**
   * Installs the set; when apt fails or leaves any package of it other than planned, puts the
   * previous set back at once (dpkg is never left half-configured) and quarantines the version when
   * one of its maintainer scripts failed or hung, then fails.
   */
  HostPackage install(PlannedSet set, String target)
      throws ResourceException, InterruptedException {
    String failure;
    try {
      sets.install(set);
      Map<String, HostPackage> now = dpkg.all();
      List<String> wrong = PackageSets.mismatches(set, now);
      HostPackage self = now.get(name);
      if (self == null || !self.present()) {
        wrong.add(name + " not installed (should be " + target + ")");
      } else if (!self.configured() || !self.version().equals(DebianVersion.parse(target))) {
        wrong.add(self.describe() + " (should be " + target + ")");
      }
      if (wrong.isEmpty()) {
        return self;
      }
      failure =
          "installing "
              + name
              + " "
              + target
              + " left "
              + String.join(", ", new LinkedHashSet<>(wrong));
    } catch (AptException e) {
      failure = e.getMessage();
    }
    try {
      if (sets.untouched(set)) {
        throw new ResourceException(failure + "; nothing was changed");
      }
    } catch (AptException e) {
      // Cannot tell: restore to be safe.
    }
    boolean packageFault = failure.contains("dpkg failed") || failure.contains("timed out");
    String quarantineNote = "";
    if (packageFault) {
      try {
        quarantine.add(name, target, failure);
        quarantineNote = "; " + target + " quarantined";
      } catch (IOException e) {
        quarantineNote = "; " + target + " NOT quarantined (" + e.getMessage() + ")";
      }
    }
    try {
      String restored = sets.restorer().restore(set);
      throw new ResourceException(failure + PackageResource.RESTORED + restored + quarantineNote);
    } catch (AptException e) {
      throw new ResourceException(
          "ROLLBACK FAILED: "
              + failure
              + "; restoring the previous set failed: "
              + e.getMessage()
              + quarantineNote,
          e);
    }
  }
}
