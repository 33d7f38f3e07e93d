package org.warehouse.agent.apt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.state.DamagedState;
import org.warehouse.agent.state.JsonTree;
import org.warehouse.agent.state.StateFiles;

/**
 * Answers the read-only queries ({@code dpkg-query}, {@code apt-cache}) from their last answer
 * while every file they read is unchanged, so a converge with nothing to do spawns no apt or dpkg
 * process. Every other command passes straight through.
 *
 * <p>The answer of such a query is a function of dpkg's database, apt's index files, preferences
 * and configuration, and the agent's source list: a stat of each (inode, size, modification time in
 * nanoseconds, and for directories every entry) is the fingerprint, taken before the query runs, so
 * a file changed while it ran only causes one more query next time. The answers persist in {@code
 * state_dir/apt-queries.json} (owner-only), so a fresh process (the CLI, a restarted daemon)
 * benefits too; an unreadable file is only a cold cache.
 */
public final class QueryCache implements CommandRunner {
  /** The file, in the state directory. */
  public static final String FILE = "apt-queries.json";

  private static final Set<String> QUERIES = Set.of("dpkg-query", "apt-cache");

  /** One remembered answer. */
  record Entry(String fingerprint, int exitCode, String stdout, String stderr) {}

  private final CommandRunner runner;
  private final Path file;
  private final List<Path> inputs;
  private Map<String, Entry> entries;

  /**
   * @param inputs the files and directories the queries read; a directory counts with its entries
   */
  public QueryCache(CommandRunner runner, Path stateDir, List<Path> inputs) {
    this.runner = runner;
    this.file = stateDir.resolve(FILE);
    this.inputs = List.copyOf(inputs);
  }

  /** What dpkg-query and apt-cache read on a Debian host, with the agent's own source list. */
  public static List<Path> hostInputs(Path sourceList) {
    return List.of(
        Path.of("/var/lib/dpkg/status"),
        Path.of("/var/lib/dpkg/updates"),
        Path.of("/var/lib/dpkg/arch"),
        Path.of("/var/lib/apt/lists"),
        Path.of("/etc/apt/preferences"),
        Path.of("/etc/apt/preferences.d"),
        Path.of("/etc/apt/apt.conf"),
        Path.of("/etc/apt/apt.conf.d"),
        sourceList);
  }

  @Override
  public synchronized CommandResult run(Command command) throws IOException, InterruptedException {
    if (!QUERIES.contains(command.argv().get(0))) {
      return runner.run(command);
    }
    String key = String.join("\u0001", command.argv());
    String fingerprint = fingerprint();
    Entry hit = entries().get(key);
    if (hit != null && hit.fingerprint().equals(fingerprint)) {
      return new CommandResult(
          command, hit.exitCode(), hit.stdout(), hit.stderr(), false, Duration.ZERO);
    }
    CommandResult r = runner.run(command);
    // An answer, not a failure to answer: dpkg-query exits 1 for a package it never heard of.
    boolean answer = !r.timedOut() && (r.exitCode() == 0 || r.exitCode() == 1);
    if (answer) {
      entries.put(key, new Entry(fingerprint, r.exitCode(), r.stdout(), r.stderr()));
      save();
    } else {
      entries.remove(key);
    }
    return r;
  }

  private Map<String, Entry> entries() {
    if (entries == null) {
      entries = load();
    }
    return entries;
  }

  private Map<String, Entry> load() {
    Map<String, Entry> m = new HashMap<>();
    try {
      for (Map.Entry<String, Object> e :
          JsonTree.readObject(Files.readAllBytes(file), FILE).entrySet()) {
        Map<String, Object> v = JsonTree.object(e.getValue(), e.getKey());
        if (!(v.get("exitCode") instanceof Number code)) {
          throw new IOException("\"exitCode\" of an answer is not a number");
        }
        m.put(
            e.getKey(),
            new Entry(
                JsonTree.requiredText(v, "fingerprint"),
                code.intValue(),
                JsonTree.requiredText(v, "stdout"),
                JsonTree.requiredText(v, "stderr")));
      }
      return m;
    } catch (NoSuchFileException e) {
      return m;
    } catch (IOException e) {
      // A cold cache, never a failed run: the queries run again and rewrite the file.
      DamagedState.warn(file, e, "the queries run again");
      return new HashMap<>();
    }
  }

  private void save() {
    try {
      StateFiles.ensureDir(file.getParent());
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, Entry> en : entries.entrySet()) {
        Entry e = en.getValue();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("fingerprint", e.fingerprint());
        v.put("exitCode", e.exitCode());
        v.put("stdout", e.stdout());
        v.put("stderr", e.stderr());
        m.put(en.getKey(), v);
      }
      StateFiles.replaceCache(file, JsonTree.write(m));
    } catch (IOException e) {
      // Not remembered: the next run asks dpkg and apt again, which is all this costs.
    }
  }

  private String fingerprint() {
    StringBuilder sb = new StringBuilder();
    for (Path p : inputs) {
      stat(p, sb);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
          for (Path c : ds) {
            children.add(c);
          }
        } catch (IOException e) {
          sb.append("unreadable\n");
        }
        children.sort(null);
        for (Path c : children) {
          stat(c, sb);
        }
      }
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static void stat(Path p, StringBuilder sb) {
    sb.append(p).append(' ');
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      sb.append(a.fileKey())
          .append(' ')
          .append(a.size())
          .append(' ')
          .append(a.lastModifiedTime().toInstant())
          .append('\n');
    } catch (NoSuchFileException e) {
      sb.append("absent\n");
    } catch (IOException e) {
      sb.append("unreadable\n");
    }
  }
}
