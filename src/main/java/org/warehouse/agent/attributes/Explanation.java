package org.warehouse.agent.attributes;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which levels set one attribute, lowest first, and which won. For a map the levels' maps were
 * merged, so there is no single winner. {@link #toString()} is the human rendering, e.g. {@code
 * warehouse.config.database: set by default (agent.yml inline), normal (/etc/.../10-db.yml:3),
 * winner: normal (/etc/.../10-db.yml:3)}.
 */
public record Explanation(String key, List<Setting> settings, boolean merged) {
  public Explanation {
    settings = List.copyOf(settings);
  }

  /** The setting whose value is in the merged tree; empty for a merged map. */
  public Optional<Setting> winner() {
    return merged || settings.isEmpty()
        ? Optional.empty()
        : Optional.of(settings.get(settings.size() - 1));
  }

  @Override
  public String toString() {
    String levels = settings.stream().map(Setting::toString).collect(Collectors.joining(", "));
    if (merged) {
      return key + ": a map merged from " + levels;
    }
    return key + ": set by " + levels + ", winner: " + winner().map(Setting::toString).orElse("");
  }
}
