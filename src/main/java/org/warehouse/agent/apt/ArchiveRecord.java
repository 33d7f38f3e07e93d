package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.version.DebianVersion;

/**
 * One version of a binary package as {@code apt-cache show} prints it: its source package and
 * version, and what it depends on.
 *
 * @param available offered by a repository; false for a version known only from dpkg's status file
 *     (installed, no longer published)
 */
public record ArchiveRecord(
    String name,
    DebianVersion version,
    String source,
    DebianVersion sourceVersion,
    List<List<Relation>> depends,
    boolean available) {

  public ArchiveRecord {
    depends = List.copyOf(depends);
  }

  /**
   * Parses {@code apt-cache show} output: stanzas separated by blank lines; {@code Source: S} or
   * {@code Source: S (V)} (absent: the binary's own name and version); Depends and Pre-Depends
   * together; a stanza with a {@code Status:} field comes from dpkg's status file alone.
   *
   * @throws IllegalArgumentException on a stanza without Package or Version, or a bad field
   */
  public static List<ArchiveRecord> parseAll(String output) {
    List<ArchiveRecord> out = new ArrayList<>();
    Stanza s = new Stanza();
    String last = null;
    for (String line : output.split("\n", -1)) {
      if (line.isBlank()) {
        s.finish(out);
        s = new Stanza();
        last = null;
      } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (last != null && (last.equals("Depends") || last.equals("Pre-Depends"))) {
          s.depends.append(' ').append(line.strip());
        }
      } else {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        last = line.substring(0, colon);
        String value = line.substring(colon + 1).strip();
        switch (last) {
          case "Package" -> s.name = value;
          case "Version" -> s.version = value;
          case "Source" -> s.source = value;
          case "Status" -> s.status = true;
          case "Depends", "Pre-Depends" -> {
            if (s.depends.length() > 0) {
              s.depends.append(", ");
            }
            s.depends.append(value);
          }
          default -> {}
        }
      }
    }
    s.finish(out);
    return out;
  }

  /** The fields of one stanza as they are read. */
  private static final class Stanza {
    String name;
    String version;
    String source;
    boolean status;
    final StringBuilder depends = new StringBuilder();

    void finish(List<ArchiveRecord> out) {
      if (name == null && version == null) {
        return;
      }
      if (name == null || version == null) {
        throw new IllegalArgumentException("apt-cache show: a record without Package or Version");
      }
      DebianVersion v = DebianVersion.parseLax(version);
      String src = name;
      DebianVersion srcVersion = v;
      if (source != null && !source.isBlank()) {
        int paren = source.indexOf('(');
        if (paren >= 0 && source.endsWith(")")) {
          src = source.substring(0, paren).strip();
          srcVersion = DebianVersion.parseLax(source.substring(paren + 1, source.length() - 1));
        } else {
          src = source.strip();
        }
      }
      out.add(
          new ArchiveRecord(
              name, v, src, srcVersion, Relation.parseField(depends.toString()), !status));
    }
  }
}
