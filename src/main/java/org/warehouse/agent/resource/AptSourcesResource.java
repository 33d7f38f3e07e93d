package org.warehouse.agent.resource;

import java.io.IOException;
import java.util.Objects;
import org.warehouse.agent.apt.AptException;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.SourceList;

/** The agent's apt source list, rewritten when the configured repositories change. */
public final class AptSourcesResource implements Resource {
  private final SourceList list;
  private final ProbeCache cache;

  public AptSourcesResource(SourceList list, ProbeCache cache) {
    this.list = list;
    this.cache = cache;
  }

  @Override
  public ResourceId id() {
    return new ResourceId(ResourceId.APT_SOURCES, list.file().toString());
  }

  @Override
  public Result checkApply(boolean apply) throws ResourceException {
    try {
      list.checkKeyrings();
      String current = list.current();
      String desired = list.render();
      if (Objects.equals(current, desired)) {
        return Result.unchanged(list.repositories().size() + " repositories");
      }
      if (apply) {
        list.write();
        // The list changed, so what we knew of the indexes no longer holds: refresh next.
        for (AptRepository r : list.repositories()) {
          cache.invalidate(r.name());
        }
      }
      return Result.differed(
          apply,
          current == null ? "absent" : "different",
          list.repositories().size() + " repositories",
          "");
    } catch (AptException e) {
      throw new ResourceException(e.getMessage(), e);
    } catch (IOException e) {
      throw new ResourceException("cannot reset the probe cache: " + e.getMessage(), e);
    }
  }
}
