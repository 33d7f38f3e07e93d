package org.warehouse.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.warehouse.agent.attributes.StrictModes;
import org.warehouse.agent.attributes.YamlComposer;
import org.warehouse.agent.version.DebianVersion;
import org.warehouse.agent.version.InvalidVersionException;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads agent.yml with SnakeYAML's safe loader and validates it into {@link Settings}. */
public final class SettingsLoader {
  /** agent.yml is small; anything bigger is a mistake or an attack. */
  static final long MAX_BYTES = 1024 * 1024;

  private static final Set<String> TOP =
      Set.of(
          "interval",
          "splay",
          "first_run_delay",
          "run_timeout",
          "resource_timeout",
          "lock_timeout",
          "repositories",
          "packages",
          "config_files",
          "services",
          "attributes",
          "apt",
          "state_dir",
          "run_dir",
          "secrets_dir",
          "history_limit",
          "metrics");

  /**
   * Every key agent.yml accepts, by section: "" is the top level, "repositories[]" each item of
   * that list, "apt" that mapping. The README's reference is checked against it.
   */
  static final Map<String, Set<String>> KEYS =
      Map.of(
          "",
          TOP,
          "repositories[]",
          Set.of("name", "uri", "suite", "components", "signed_by", "poll_timeout"),
          "packages[]",
          Set.of("name", "version"),
          "config_files[]",
          Set.of("path", "attribute", "owner", "group", "mode"),
          "services[]",
          Set.of("name", "restart_on", "health_url", "health_timeout"),
          "attributes",
          Set.of("default", "files", "override"),
          "apt",
          Set.of(
              "lock_timeout",
              "update_timeout",
              "install_timeout",
              "sources_dir",
              "keyring_dir",
              "max_index_age"),
          "metrics",
          Set.of("listen"));

  private static final Pattern MODE = Pattern.compile("0?[0-7]{3,4}");
  private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern ATTRIBUTE_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  private SettingsLoader() {}

  /** Loads and validates {@code file}; nothing on the host is touched. */
  public static Settings load(Path file) throws ConfigException {
    String name = file.toString();
    Node root;
    try {
      // Read as root, it decides what runs as root: only if no one else could have written it.
      StrictModes.FOR_THIS_PROCESS.check(file);
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new ConfigException(name + ": file is " + size + " bytes, limit " + MAX_BYTES);
      }
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        root = compose(r);
      }
    } catch (StrictModes.UntrustedFileException e) {
      throw new ConfigException(e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name + ": no such file", e);
    } catch (IOException e) {
      throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
    } catch (MarkedYAMLException e) {
      throw new ConfigException(yamlError(name, e), e);
    } catch (YAMLException e) {
      throw new ConfigException(name + ": " + e.getMessage(), e);
    }
    if (root == null) {
      throw new ConfigException(name + ": file is empty");
    }
    return validate(new YamlMap(name, "", root), file);
  }

  // The attribute files' schema for agent.yml too, so inline attributes type `no` or `0755`
  // exactly as attribute files do (strings), and `mode: 0640` reads as the text written.
  static Node compose(Reader r) {
    return YamlComposer.compose(r, 20, 50, (int) MAX_BYTES);
  }

  static String yamlError(String file, MarkedYAMLException e) {
    var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String where =
        mark == null ? file : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
    String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
    String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
    return where + ": YAML syntax error: " + problem + context;
  }

  private static Settings validate(YamlMap top, Path file) throws ConfigException {
    top.allowOnly(TOP);
    Duration interval = duration(top, "interval", "30m");
    Duration splay = duration(top, "splay", "5m");
    if (interval.compareTo(Duration.ofSeconds(10)) < 0) {
      throw top.error(top.node("interval"), "interval", "must be at least 10s");
    }
    if (splay.compareTo(interval) >= 0) {
      throw top.error(
          top.has("splay") ? top.node("splay") : top.self(),
          "splay",
          "must be shorter than interval");
    }
    List<Settings.Repository> repositories = repositories(top);
    List<Settings.PackageSpec> packages = packages(top);
    if (!packages.isEmpty() && repositories.isEmpty()) {
      throw top.error(top.node("packages"), "packages", "packages need at least one repository");
    }
    List<Settings.ConfigFile> configFiles = configFiles(top);
    List<Settings.Service> services = services(top, packages, configFiles);
    YamlMap metrics = top.map("metrics");
    String listen = "127.0.0.1:9557";
    if (metrics != null) {
      metrics.allowOnly(KEYS.get("metrics"));
      listen = metrics.string("listen", listen);
      if (!listen.matches("(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):\\d{1,5}")
          || Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)) > 65535) {
        throw metrics.error(
            metrics.node("listen"), "metrics.listen", "expected HOST:PORT, found '" + listen + "'");
      }
    }
    int history = top.integer("history_limit", 50);
    if (history < 1 || history > 10_000) {
      throw top.error(top.node("history_limit"), "history_limit", "must be between 1 and 10000");
    }
    return new Settings(
        file,
        interval,
        splay,
        duration(top, "first_run_delay", "10s"),
        duration(top, "run_timeout", "1h"),
        resourceTimeout(top, apt(top)),
        duration(top, "lock_timeout", "5m"),
        repositories,
        packages,
        configFiles,
        services,
        attributes(top),
        apt(top),
        absolute(top, "state_dir", "/var/lib/warehouse-agent"),
        absolute(top, "run_dir", "/run/warehouse-agent"),
        absolute(top, "secrets_dir", "/etc/warehouse-agent/secrets"),
        history,
        listen);
  }

  // A resource must outlive the commands it runs: if the runner gave up on an apt-get install that
  // is still running, the run would end (and release the run lock) under a live dpkg.
  private static java.time.Duration resourceTimeout(YamlMap top, Settings.Apt apt)
      throws ConfigException {
    Duration floor = apt.installTimeout().plus(apt.lockTimeout());
    if (!top.has("resource_timeout")) {
      return floor.plusMinutes(5);
    }
    Duration d = duration(top, "resource_timeout", null);
    if (d.compareTo(floor) <= 0) {
      throw top.error(
          top.node("resource_timeout"),
          "resource_timeout",
          "must be longer than apt.install_timeout + apt.lock_timeout ("
              + Durations.format(floor)
              + ")");
    }
    return d;
  }

  private static Settings.Apt apt(YamlMap top) throws ConfigException {
    YamlMap apt = top.map("apt");
    if (apt == null) {
      apt = new YamlMap(top.file(), "apt", compose(new java.io.StringReader("{}")));
    }
    apt.allowOnly(KEYS.get("apt"));
    Duration maxIndexAge = duration(apt, "max_index_age", "1d");
    if (maxIndexAge.compareTo(Duration.ofSeconds(1)) < 0) {
      throw apt.error(apt.node("max_index_age"), apt.child("max_index_age"), "must be at least 1s");
    }
    return new Settings.Apt(
        duration(apt, "lock_timeout", "120s"),
        duration(apt, "update_timeout", "120s"),
        duration(apt, "install_timeout", "30m"),
        absolute(apt, "sources_dir", "/etc/apt/sources.list.d"),
        absolute(apt, "keyring_dir", "/etc/apt/keyrings"),
        maxIndexAge);
  }

  private static List<Settings.Repository> repositories(YamlMap top) throws ConfigException {
    List<Settings.Repository> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> items = top.list("repositories");
    for (int i = 0; i < items.size(); i++) {
      YamlMap r = new YamlMap(top.file(), "repositories[" + i + "]", items.get(i));
      r.allowOnly(KEYS.get("repositories[]"));
      String name = r.string("name", null);
      if (!Names.isRepositoryName(name)) {
        throw r.error(r.node("name"), r.child("name"), "'" + name + "' is not a valid name");
      }
      if (!seen.add(name)) {
        throw r.error(r.node("name"), r.child("name"), "duplicate repository '" + name + "'");
      }
      String uriText = r.string("uri", null);
      URI uri;
      try {
        uri = new URI(uriText.endsWith("/") ? uriText : uriText + "/");
      } catch (URISyntaxException e) {
        throw r.error(r.node("uri"), r.child("uri"), "not a URI: " + e.getMessage());
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw r.error(
            r.node("uri"),
            r.child("uri"),
            "expected an http(s)://host/path/ URI, found " + uriText);
      }
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
              duration(r, "poll_timeout", "10s")));
    }
    return List.copyOf(out);
  }

  private static List<Settings.PackageSpec> packages(YamlMap top) throws ConfigException {
    List<Settings.PackageSpec> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> items = top.list("packages");
    for (int i = 0; i < items.size(); i++) {
      YamlMap p = new YamlMap(top.file(), "packages[" + i + "]", items.get(i));
      p.allowOnly(KEYS.get("packages[]"));
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

  private static List<Settings.ConfigFile> configFiles(YamlMap top) throws ConfigException {
    List<Settings.ConfigFile> out = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    List<Node> items = top.list("config_files");
    for (int i = 0; i < items.size(); i++) {
      YamlMap c = new YamlMap(top.file(), "config_files[" + i + "]", items.get(i));
      c.allowOnly(KEYS.get("config_files[]"));
      Path path = absolute(c, "path", null);
      if (!seen.add(path)) {
        throw c.error(c.node("path"), c.child("path"), "duplicate config file " + path);
      }
      String attribute = c.string("attribute", null);
      if (!ATTRIBUTE_PATH.matcher(attribute).matches()) {
        throw c.error(
            c.node("attribute"),
            c.child("attribute"),
            "expected a dotted attribute path like warehouse.config, found '" + attribute + "'");
      }
      String owner = account(c, "owner");
      String group = account(c, "group");
      if (c.has("mode")
          && !(c.node("mode") instanceof org.yaml.snakeyaml.nodes.ScalarNode s
              && s.getTag().equals(org.yaml.snakeyaml.nodes.Tag.STR))) {
        throw c.error(
            c.node("mode"),
            c.child("mode"),
            "expected a quoted octal string like \"0640\" (unquoted, YAML reads "
                + YamlMap.describe(c.node("mode"))
                + ")");
      }
      String mode = c.string("mode", "0640");
      if (!MODE.matcher(mode).matches()) {
        throw c.error(c.node("mode"), c.child("mode"), "expected an octal mode like \"0640\"");
      }
      // The file writer sets permission bits only: a setuid, setgid or sticky bit accepted here
      // would fail the run at the file, after the packages before it were changed.
      if (Integer.parseInt(mode, 8) > 0777) {
        throw c.error(
            c.node("mode"),
            c.child("mode"),
            "\""
                + mode
                + "\" sets setuid, setgid or sticky bits, which the agent does not write; expected"
                + " permission bits up to \"0777\", like \"0640\"");
      }
      out.add(new Settings.ConfigFile(path, attribute, owner, group, Integer.parseInt(mode, 8)));
    }
    return List.copyOf(out);
  }

  // Pasted into `deb [signed-by=PATH] ...`: a space would start another option (trusted=yes), a
  // comma another keyring, a bracket or '#' would end the options or start a comment.
  private static Path signedBy(YamlMap r) throws ConfigException {
    Path p = absolute(r, "signed_by", null);
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

  private static String account(YamlMap c, String key) throws ConfigException {
    String v = c.string(key, "root");
    if (!ACCOUNT.matcher(v).matches()) {
      throw c.error(c.node(key), c.child(key), "'" + v + "' is not a valid user or group name");
    }
    return v;
  }

  private static List<Settings.Service> services(
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
      s.allowOnly(KEYS.get("services[]"));
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
      Optional<URI> health = Optional.empty();
      if (s.has("health_url")) {
        String u = s.string("health_url", null);
        try {
          URI uri = new URI(u);
          if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
              || uri.getHost() == null) {
            throw new URISyntaxException(u, "expected an http(s) URL");
          }
          health = Optional.of(uri);
        } catch (URISyntaxException e) {
          throw s.error(s.node("health_url"), s.child("health_url"), e.getMessage());
        }
      }
      out.add(
          new Settings.Service(
              name, List.copyOf(restartOn), health, duration(s, "health_timeout", "60s")));
    }
    return List.copyOf(out);
  }

  private static Settings.Attributes attributes(YamlMap top) throws ConfigException {
    YamlMap a = top.map("attributes");
    if (a == null) {
      return new Settings.Attributes(
          Map.of(), List.of(Path.of("/etc/warehouse-agent/attributes.d")), Map.of());
    }
    a.allowOnly(KEYS.get("attributes"));
    List<Path> files = new ArrayList<>();
    for (String f : a.stringList("files", List.of("/etc/warehouse-agent/attributes.d"))) {
      Path p = Path.of(f);
      if (!p.isAbsolute()) {
        throw a.error(a.node("files"), "attributes.files", "'" + f + "' is not an absolute path");
      }
      files.add(p.normalize());
    }
    return new Settings.Attributes(
        inlineMap(a, "default"), List.copyOf(files), inlineMap(a, "override"));
  }

  private static Map<String, Object> inlineMap(YamlMap a, String key) throws ConfigException {
    if (!a.has(key)) {
      return Map.of();
    }
    Node n = a.node(key);
    if (!(n instanceof org.yaml.snakeyaml.nodes.MappingNode)) {
      throw a.error(n, a.child(key), "expected a mapping, found " + YamlMap.describe(n));
    }
    Object value = InlineValues.toValue(n);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  private static Duration duration(YamlMap m, String key, String fallback) throws ConfigException {
    String text = m.string(key, fallback);
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw m.error(m.has(key) ? m.node(key) : m.self(), m.child(key), e.getMessage());
    }
  }

  private static Path absolute(YamlMap m, String key, String fallback) throws ConfigException {
    String text = m.string(key, fallback);
    Path p;
    try {
      p = Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw m.error(m.node(key), m.child(key), "not a path: " + e.getReason());
    }
    if (!p.isAbsolute()) {
      throw m.error(m.node(key), m.child(key), "'" + text + "' is not an absolute path");
    }
    if (!p.normalize().equals(p) || text.contains("/../") || text.endsWith("/..")) {
      throw m.error(m.node(key), m.child(key), "'" + text + "' is not a normalized path");
    }
    return p;
  }
}
