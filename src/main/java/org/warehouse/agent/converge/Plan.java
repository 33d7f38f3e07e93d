package org.warehouse.agent.converge;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;

/**
 * The resources of one run in the order they converge, and who is notified of whose changes.
 *
 * @param resources in order; a {@link Refreshable} may appear here too (checked in its turn)
 * @param subscriptions for each refreshable's id, the ids of the resources it reacts to
 */
public record Plan(List<Resource> resources, Map<ResourceId, Set<ResourceId>> subscriptions) {
  public Plan {
    resources = List.copyOf(resources);
    subscriptions = Map.copyOf(subscriptions);
    for (Map.Entry<ResourceId, Set<ResourceId>> e : subscriptions.entrySet()) {
      Resource target = find(resources, e.getKey());
      if (!(target instanceof Refreshable)) {
        throw new IllegalArgumentException(e.getKey() + " is not a refreshable resource");
      }
      for (ResourceId source : e.getValue()) {
        if (find(resources, source) == null) {
          throw new IllegalArgumentException(e.getKey() + " subscribes to unknown " + source);
        }
      }
    }
  }

  private static Resource find(List<Resource> resources, ResourceId id) {
    for (Resource r : resources) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }
}
