package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.warehouse.agent.version.DebianVersion;

/**
 * One alternative of a Depends field: a package name and an optional version constraint, such as
 * {@code warehouse-common (= 18.09.02)} or {@code git-man (<< 1:2.39.5-.)}.
 *
 * @param op one of {@code << <= = >= >>}, or empty for any version
 */
public record Relation(String name, String op, Optional<DebianVersion> version) {

  /** True when {@code v} meets the constraint (always, without one). */
  public boolean allows(DebianVersion v) {
    if (version.isEmpty()) {
      return true;
    }
    int c = v.compareTo(version.get());
    return switch (op) {
      case "<<" -> c < 0;
      case "<=" -> c <= 0;
      case "=" -> c == 0;
      case ">=" -> c >= 0;
      case ">>" -> c > 0;
      default -> false;
    };
  }

  /** True when the relation names a version. */
  public boolean versioned() {
    return version.isPresent();
  }

  /** As Debian writes it: {@code name (op version)}. */
  @Override
  public String toString() {
    return version.isEmpty() ? name : name + " (" + op + " " + version.get() + ")";
  }

  /**
   * Parses a Depends or Pre-Depends field into its groups of alternatives ({@code a | b, c}).
   * Architecture qualifiers ({@code :any}), architecture lists and build profiles are dropped; the
   * obsolete {@code <} and {@code >} mean {@code <=} and {@code >=}, as dpkg reads them.
   *
   * @throws IllegalArgumentException on a field that is not a relation list
   */
  public static List<List<Relation>> parseField(String field) {
    List<List<Relation>> groups = new ArrayList<>();
    if (field == null || field.isBlank()) {
      return groups;
    }
    for (String group : field.split(",", -1)) {
      if (group.isBlank()) {
        continue;
      }
      List<Relation> alternatives = new ArrayList<>();
      for (String alt : group.split("\\|", -1)) {
        alternatives.add(parseOne(alt.strip()));
      }
      groups.add(List.copyOf(alternatives));
    }
    return groups;
  }

  private static Relation parseOne(String text) {
    String s = text.replaceAll("\\[[^\\]]*\\]", "").replaceAll("<[^>]*>\\s*$", "").strip();
    String name;
    String op = "";
    Optional<DebianVersion> version = Optional.empty();
    int paren = s.indexOf('(');
    if (paren >= 0) {
      int close = s.indexOf(')', paren);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '(' in relation: " + text);
      }
      name = s.substring(0, paren).strip();
      String inner = s.substring(paren + 1, close).strip();
      int i = 0;
      while (i < inner.length() && "<=>".indexOf(inner.charAt(i)) >= 0) {
        i++;
      }
      op = normalizeOp(inner.substring(0, i));
      version = Optional.of(DebianVersion.parseLax(inner.substring(i).strip()));
    } else {
      name = s;
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    if (!name.matches("[a-z0-9][a-z0-9+.-]*")) {
      throw new IllegalArgumentException("not a package relation: " + text);
    }
    return new Relation(name, op, version);
  }

  private static String normalizeOp(String op) {
    return switch (op) {
      case "<<", "<=", "=", ">=", ">>" -> op;
      case "<" -> "<=";
      case ">" -> ">=";
      default -> throw new IllegalArgumentException("unknown relation operator: " + op);
    };
  }
}
