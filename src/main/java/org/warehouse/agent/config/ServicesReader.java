package org.warehouse.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads agent.yml's {@code services} list: unit names, what restarts them (a package or config file
 * of the same agent.yml) and their health check.
 */
final class ServicesReader {
  static final Set<String> KEYS = Set.of("name", "restart_on", "health_url", "health_timeout");

  private ServicesReader() {}

  static List<Settings.Service> read(
      YamlMap top, List<Settings.PackageSpec> packages, List<Settings.ConfigFile> files)
      throws ConfigException {
    Set<String> subscribable = new HashSet<>();
    for (Settings.PackageSpec p : packages) {
      subscribable.add(p.name());
    }
    for (Settings.ConfigFile f : files) {
      subscribable.add(f.path().toString());
    }
    List<Settings.Service> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> items = top.list("services");
    for (int i = 0; i < items.size(); i++) {
      YamlMap s = new YamlMap(top.file(), "services[" + i + "]", items.get(i));
      s.allowOnly(KEYS);
      String name = s.string("name", null);
      if (!Names.isUnitName(name)) {
        throw s.error(s.node("name"), s.child("name"), "'" + name + "' is not a valid unit name");
      }
      if (!seen.add(name)) {
        throw s.error(s.node("name"), s.child("name"), "duplicate service '" + name + "'");
      }
      List<String> restartOn = s.stringList("restart_on", List.of());
      for (String r : restartOn) {
        if (!subscribable.contains(r)) {
          throw s.error(
              s.node("restart_on"),
              s.child("restart_on"),
              "'"
                  + r
                  + "' is neither a package nor a config file path of this agent.yml"
                  + " (known: "
                  + String.join(", ", subscribable.stream().sorted().toList())
                  + ")");
        }
      }
      out.add(
          new Settings.Service(
              name, List.copyOf(restartOn), healthUrl(s), s.duration("health_timeout", "60s")));
    }
    return List.copyOf(out);
  }

  private static Optional<URI> healthUrl(YamlMap s) throws ConfigException {
    if (!s.has("health_url")) {
      return Optional.empty();
    }
    String u = s.string("health_url", null);
    try {
      URI uri = new URI(u);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new URISyntaxException(u, "expected an http(s) URL");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw s.error(s.node("health_url"), s.child("health_url"), e.getMessage());
    }
  }
}
