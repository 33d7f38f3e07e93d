package org.warehouse.agent.apt;

import java.util.Optional;
import org.warehouse.agent.version.DebianVersion;

/**
 * One package of a transaction: its version before and after (empty: not installed then).
 *
 * @param from the version installed before the transaction, empty for a new package
 * @param to the version after it, empty for a removal
 */
public record PackageChange(String name, Optional<DebianVersion> from, Optional<DebianVersion> to) {

  /** What the transaction does to the package. */
  public enum Kind {
    NEW,
    UPGRADE,
    DOWNGRADE,
    REINSTALL,
    REMOVE
  }

  public Kind kind() {
    if (to.isEmpty()) {
      return Kind.REMOVE;
    }
    if (from.isEmpty()) {
      return Kind.NEW;
    }
    int c = to.get().compareTo(from.get());
    return c > 0 ? Kind.UPGRADE : c < 0 ? Kind.DOWNGRADE : Kind.REINSTALL;
  }

  /**
   * {@code warehouse-common 18.09.01 -> 18.09.02}, {@code libfoo1 1.0 new}, {@code x 2 removed}.
   */
  public String describe() {
    return switch (kind()) {
      case NEW -> name + " " + to.get() + " new";
      case REMOVE -> name + " " + from.get() + " removed";
      default -> name + " " + from.get() + " -> " + to.get();
    };
  }
}
