package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.version.DebianVersion;

/**
 * What {@link SetPlanner} decided for one managed package: the exact versions to ask apt for (the
 * managed package first, then its siblings and the versions they need exactly), the siblings the
 * release no longer builds, and the conflicts that make the set impossible. While records are
 * missing it says only which names to look up.
 *
 * @param missing names whose archive records are needed first; when not empty, nothing else is
 *     decided
 */
public record SetPlan(
    Set<String> missing,
    Map<String, DebianVersion> requests,
    List<HostPackage> dropped,
    List<String> conflicts) {

  public SetPlan {
    missing = Set.copyOf(missing);
    requests = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requests));
    dropped = List.copyOf(dropped);
    conflicts = List.copyOf(conflicts);
  }

  /** apt-get's arguments for the set: {@code name=version} each, {@code name-} for the dropped. */
  public List<String> aptArguments() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, DebianVersion> e : requests.entrySet()) {
      out.add(e.getKey() + "=" + e.getValue());
    }
    for (HostPackage p : dropped) {
      out.add(p.name() + "-");
    }
    return out;
  }

  /** True when the set can be asked of apt. */
  public boolean feasible() {
    return missing.isEmpty() && conflicts.isEmpty();
  }
}
