package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code apt-cache policy NAME} said: the candidate, and the versions a repository offers (a
 * version known only from /var/lib/dpkg/status is installed, not available).
 */
public record PackagePolicy(Optional<String> candidate, List<String> available) {
  public PackagePolicy {
    available = List.copyOf(available);
  }

  /** Parses apt-cache policy output (LC_ALL=C) for one package. */
  public static PackagePolicy parse(String output) {
    Optional<String> candidate = Optional.empty();
    List<String> versions = new ArrayList<>();
    boolean table = false;
    String current = null;
    for (String line : output.lines().toList()) {
      String t = line.strip();
      if (t.startsWith("Candidate:")) {
        String v = t.substring("Candidate:".length()).strip();
        candidate = v.isEmpty() || "(none)".equals(v) ? Optional.empty() : Optional.of(v);
      } else if (t.startsWith("Version table:")) {
        table = true;
      } else if (table && !t.isEmpty()) {
        // Version lines are indented 5 (or " *** "), their source lines 8.
        if (line.startsWith("        ")) {
          String[] parts = t.split("\\s+", 2);
          boolean fromRepository =
              parts.length == 2 && !parts[1].startsWith("/var/lib/dpkg/status");
          if (current != null && fromRepository && !versions.contains(current)) {
            versions.add(current);
          }
        } else {
          String s = t.startsWith("*** ") ? t.substring(4).strip() : t;
          current = s.split("\\s+", 2)[0];
        }
      }
    }
    return new PackagePolicy(candidate, versions);
  }
}
