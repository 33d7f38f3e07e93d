package org.warehouse.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads agent.yml's {@code config_files} list: paths, attribute paths, owners and modes. */
final class ConfigFilesReader {
  static final Set<String> KEYS = Set.of("path", "attribute", "owner", "group", "mode");

  private static final Pattern MODE = Pattern.compile("0?[0-7]{3,4}");
  private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern ATTRIBUTE_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  private ConfigFilesReader() {}

  static List<Settings.ConfigFile> read(YamlMap top) throws ConfigException {
    List<Settings.ConfigFile> out = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    List<Node> items = top.list("config_files");
    for (int i = 0; i < items.size(); i++) {
      YamlMap c = new YamlMap(top.file(), "config_files[" + i + "]", items.get(i));
      c.allowOnly(KEYS);
      Path path = c.absolutePath("path", null);
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
      out.add(new Settings.ConfigFile(path, attribute, owner, group, mode(c)));
    }
    return List.copyOf(out);
  }

  private static int mode(YamlMap c) throws ConfigException {
    if (c.has("mode") && !(c.node("mode") instanceof ScalarNode s && s.getTag().equals(Tag.STR))) {
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
    return Integer.parseInt(mode, 8);
  }

  private static String account(YamlMap c, String key) throws ConfigException {
    String v = c.string(key, "root");
    if (!ACCOUNT.matcher(v).matches()) {
      throw c.error(c.node(key), c.child(key), "'" + v + "' is not a valid user or group name");
    }
    return v;
  }
}
