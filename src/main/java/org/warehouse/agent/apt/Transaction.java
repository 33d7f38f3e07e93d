package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.warehouse.agent.version.DebianVersion;

/**
 * The whole change one apt call makes, as apt's own solver computed it in a simulation ({@code
 * apt-get -s}): every package installed, upgraded, downgraded or removed, with both versions.
 */
public record Transaction(List<PackageChange> changes) {
  private static final Pattern INST =
      Pattern.compile("^Inst (\\S+?)(?::\\S+)? (?:\\[([^\\]]+)\\] )?\\((\\S+)[^)]*\\)");
  private static final Pattern REMV =
      Pattern.compile("^(?:Remv|Purg) (\\S+?)(?::\\S+)? \\[([^\\]]+)\\]");

  public Transaction {
    changes = List.copyOf(changes);
  }

  /** Parses the {@code Inst} and {@code Remv}/{@code Purg} lines of {@code apt-get -s} output. */
  public static Transaction parseSimulation(String output) {
    List<PackageChange> out = new ArrayList<>();
    for (String line : output.split("\n", -1)) {
      Matcher m = INST.matcher(line);
      if (m.find()) {
        Optional<DebianVersion> from =
            m.group(2) == null ? Optional.empty() : Optional.of(DebianVersion.parseLax(m.group(2)));
        out.add(
            new PackageChange(m.group(1), from, Optional.of(DebianVersion.parseLax(m.group(3)))));
        continue;
      }
      m = REMV.matcher(line);
      if (m.find()) {
        out.add(
            new PackageChange(
                m.group(1), Optional.of(DebianVersion.parseLax(m.group(2))), Optional.empty()));
      }
    }
    return new Transaction(out);
  }

  /** The change to {@code name}, if the transaction touches it. */
  public Optional<PackageChange> of(String name) {
    for (PackageChange c : changes) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The removals. */
  public List<PackageChange> removals() {
    List<PackageChange> out = new ArrayList<>();
    for (PackageChange c : changes) {
      if (c.kind() == PackageChange.Kind.REMOVE) {
        out.add(c);
      }
    }
    return out;
  }

  /** The other packages, for a report: {@code a 1 -> 2, libfoo1 1.0 new}, or empty. */
  public String others(String managed) {
    List<String> others = new ArrayList<>();
    for (PackageChange c : changes) {
      if (!c.name().equals(managed)) {
        others.add(c.describe());
      }
    }
    return String.join(", ", others);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }
}
