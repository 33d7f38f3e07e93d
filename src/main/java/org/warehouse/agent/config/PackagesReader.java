package org.warehouse.agent.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.warehouse.agent.version.DebianVersion;
import org.warehouse.agent.version.InvalidVersionException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads agent.yml's {@code packages} list: Debian names, {@code latest} or a valid version. */
final class PackagesReader {
  static final Set<String> KEYS = Set.of("name", "version");

  private PackagesReader() {}

  static List<Settings.PackageSpec> read(YamlMap top) throws ConfigException {
    List<Settings.PackageSpec> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> items = top.list("packages");
    for (int i = 0; i < items.size(); i++) {
      YamlMap p = new YamlMap(top.file(), "packages[" + i + "]", items.get(i));
      p.allowOnly(KEYS);
      String name = p.string("name", null);
      if (!Names.isPackageName(name)) {
        throw p.error(
            p.node("name"),
            p.child("name"),
            "'"
                + name
                + "' is not a valid Debian package name (lowercase letters, digits, '+', '-', '.';"
                + " at least 2 characters, starting with a letter or digit)");
      }
      if (!seen.add(name)) {
        throw p.error(p.node("name"), p.child("name"), "duplicate package '" + name + "'");
      }
      String version = p.string("version", "latest");
      Optional<String> pinned = Optional.empty();
      if (!"latest".equals(version)) {
        try {
          DebianVersion.parse(version);
        } catch (InvalidVersionException e) {
          throw p.error(
              p.node("version"),
              p.child("version"),
              "'" + version + "' is not 'latest' or a valid Debian version: " + e.getMessage());
        }
        pinned = Optional.of(version);
      }
      out.add(new Settings.PackageSpec(name, pinned));
    }
    return List.copyOf(out);
  }
}
