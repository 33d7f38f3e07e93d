package org.warehouse.agent.attributes;

/**
 * Bounds on one attribute file, so that a hostile or broken file fails fast with a clear error
 * instead of exhausting memory: size in bytes (checked before reading), YAML aliases to collections
 * (billion laughs), nesting depth, and values after alias expansion.
 */
public record AttributeLimits(long maxFileBytes, int maxAliases, int maxDepth, int maxValues) {
  /** 4 MiB, 20 aliases, depth 64, 200,000 values: far above any real attribute file. */
  public static final AttributeLimits DEFAULTS = new AttributeLimits(4L << 20, 20, 64, 200_000);

  public AttributeLimits {
    if (maxFileBytes < 1 || maxFileBytes > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("maxFileBytes out of range: " + maxFileBytes);
    }
    if (maxAliases < 0 || maxDepth < 1 || maxValues < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
