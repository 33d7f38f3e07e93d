package org.warehouse.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads agent.yml's {@code repositories} list. */
final class RepositoriesReader {
  static final Set<String> KEYS =
      Set.of("name", "uri", "suite", "components", "signed_by", "poll_timeout");

  private RepositoriesReader() {}

  static List<Settings.Repository> read(YamlMap top) throws ConfigException {
    List<Settings.Repository> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> items = top.list("repositories");
    for (int i = 0; i < items.size(); i++) {
      YamlMap r = new YamlMap(top.file(), "repositories[" + i + "]", items.get(i));
      r.allowOnly(KEYS);
      String name = r.string("name", null);
      if (!Names.isRepositoryName(name)) {
        throw r.error(r.node("name"), r.child("name"), "'" + name + "' is not a valid name");
      }
      if (!seen.add(name)) {
        throw r.error(r.node("name"), r.child("name"), "duplicate repository '" + name + "'");
      }
      URI uri = uri(r);
      String suite = r.string("suite", null);
      if (!Names.isSuiteOrComponent(suite)) {
        throw r.error(r.node("suite"), r.child("suite"), "'" + suite + "' is not a valid suite");
      }
      List<String> components = r.stringList("components", List.of("main"));
      for (String c : components) {
        if (!Names.isSuiteOrComponent(c)) {
          throw r.error(
              r.node("components"), r.child("components"), "'" + c + "' is not a component");
        }
      }
      if (components.isEmpty()) {
        throw r.error(r.node("components"), r.child("components"), "must not be empty");
      }
      out.add(
          new Settings.Repository(
              name,
              uri,
              suite,
              List.copyOf(components),
              signedBy(r),
              r.duration("poll_timeout", "10s")));
    }
    return List.copyOf(out);
  }

  private static URI uri(YamlMap r) throws ConfigException {
    String text = r.string("uri", null);
    URI uri;
    try {
      uri = new URI(text.endsWith("/") ? text : text + "/");
    } catch (URISyntaxException e) {
      throw r.error(r.node("uri"), r.child("uri"), "not a URI: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw r.error(
          r.node("uri"), r.child("uri"), "expected an http(s)://host/path/ URI, found " + text);
    }
    return uri;
  }

  // Pasted into `deb [signed-by=PATH] ...`: a space would start another option (trusted=yes), a
  // comma another keyring, a bracket or '#' would end the options or start a comment.
  private static Path signedBy(YamlMap r) throws ConfigException {
    Path p = r.absolutePath("signed_by", null);
    String text = p.toString();
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch)
          || Character.isISOControl(ch)
          || ch == '['
          || ch == ']'
          || ch == ','
          || ch == '#') {
        throw r.error(
            r.node("signed_by"),
            r.child("signed_by"),
            "'"
                + text.replaceAll("\\p{Cntrl}", "?")
                + "' must be an absolute path without whitespace, brackets, commas or '#'"
                + " (apt would read the rest of the source line's options from it)");
      }
    }
    return p;
  }
}
