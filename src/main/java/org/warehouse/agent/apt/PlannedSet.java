package org.warehouse.agent.apt;

import java.util.List;
import java.util.Map;
import org.warehouse.agent.version.DebianVersion;

/**
 * A package set ready to install: what was asked of apt, what apt's solver said it would do, and
 * dpkg's view of every package before (to restore).
 *
 * @param name the managed package
 * @param version its target version
 * @param arguments apt-get's install arguments ({@link SetPlan#aptArguments})
 * @param transaction apt's simulation of them
 * @param before dpkg's database before the change, by name
 * @param inRepository the (name, version) pairs the repositories still offer, as {@code name=v}
 */
public record PlannedSet(
    String name,
    DebianVersion version,
    List<String> arguments,
    Transaction transaction,
    Map<String, HostPackage> before,
    java.util.Set<String> inRepository) {

  public PlannedSet {
    arguments = List.copyOf(arguments);
    before = Map.copyOf(before);
    inRepository = java.util.Set.copyOf(inRepository);
  }

  /** True when a repository offers {@code name} at {@code version}. */
  public boolean offered(String pkg, DebianVersion v) {
    return inRepository.contains(pkg + "=" + v);
  }
}
