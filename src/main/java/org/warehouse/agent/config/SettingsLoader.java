package org.warehouse.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.attributes.StrictModes;
import org.warehouse.agent.attributes.YamlComposer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads agent.yml with SnakeYAML's safe loader and validates it into {@link Settings}: the file and
 * its top-level keys here, each section by its reader ({@link RepositoriesReader}, {@link
 * PackagesReader}, {@link ConfigFilesReader}, {@link ServicesReader}, {@link MetricsReader}, {@link
 * AptReader}, {@link AttributesReader}).
 */
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
          "metrics",
          "rollout");

  /**
   * Every key agent.yml accepts, by section: "" is the top level, "repositories[]" each item of
   * that list, "apt" that mapping. The README's reference is checked against it.
   */
  static final Map<String, Set<String>> KEYS =
      Map.of(
          "",
          TOP,
          "repositories[]",
          RepositoriesReader.KEYS,
          "packages[]",
          PackagesReader.KEYS,
          "config_files[]",
          ConfigFilesReader.KEYS,
          "services[]",
          ServicesReader.KEYS,
          "attributes",
          AttributesReader.KEYS,
          "apt",
          AptReader.KEYS,
          "metrics",
          MetricsReader.KEYS,
          "rollout",
          RolloutReader.KEYS,
          "rollout.database",
          RolloutReader.DATABASE_KEYS);

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
    Duration interval = top.duration("interval", "30m");
    Duration splay = top.duration("splay", "5m");
    if (interval.compareTo(Duration.ofSeconds(10)) < 0) {
      throw top.error(top.node("interval"), "interval", "must be at least 10s");
    }
    if (splay.compareTo(interval) >= 0) {
      throw top.error(
          top.has("splay") ? top.node("splay") : top.self(),
          "splay",
          "must be shorter than interval");
    }
    List<Settings.Repository> repositories = RepositoriesReader.read(top);
    List<Settings.PackageSpec> packages = PackagesReader.read(top);
    if (!packages.isEmpty() && repositories.isEmpty()) {
      throw top.error(top.node("packages"), "packages", "packages need at least one repository");
    }
    List<Settings.ConfigFile> configFiles = ConfigFilesReader.read(top);
    List<Settings.Service> services = ServicesReader.read(top, packages, configFiles);
    String listen = MetricsReader.listen(top);
    int history = top.integer("history_limit", 50);
    if (history < 1 || history > 10_000) {
      throw top.error(top.node("history_limit"), "history_limit", "must be between 1 and 10000");
    }
    Duration firstRunDelay = top.duration("first_run_delay", "10s");
    Duration runTimeout = top.duration("run_timeout", "1h");
    Settings.Apt apt = AptReader.read(top);
    Duration resourceTimeout = AptReader.resourceTimeout(top, apt);
    Duration lockTimeout = top.duration("lock_timeout", "5m");
    Settings.Attributes attributes = AttributesReader.read(top);
    return new Settings(
        file,
        interval,
        splay,
        firstRunDelay,
        runTimeout,
        resourceTimeout,
        lockTimeout,
        repositories,
        packages,
        configFiles,
        services,
        attributes,
        apt,
        top.absolutePath("state_dir", "/var/lib/warehouse-agent"),
        top.absolutePath("run_dir", "/run/warehouse-agent"),
        top.absolutePath("secrets_dir", "/etc/warehouse-agent/secrets"),
        history,
        listen,
        RolloutReader.read(top));
  }
}
