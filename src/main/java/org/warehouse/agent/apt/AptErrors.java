package org.warehouse.agent.apt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.warehouse.agent.exec.CommandResult;

/** Turns apt's and dpkg's output into one clear line: what went wrong, in the operator's terms. */
final class AptErrors {
  private static final Pattern NO_PUBKEY = Pattern.compile("NO_PUBKEY ([0-9A-F]+)");
  private static final Pattern NOT_FOUND =
      Pattern.compile("Version '([^']+)' for '([^']+)' was not found");
  private static final Pattern NO_PACKAGE = Pattern.compile("Unable to locate package (\\S+)");
  private static final Pattern FETCH =
      Pattern.compile(
          "(?:Failed to fetch|Could not connect|Connection failed|Unable to connect)[^\\n]*");
  private static final Pattern LOCK =
      Pattern.compile(
          "Could not get lock ([^\\s.]+(?:\\.[^\\s.]+)*)[^\\n]*?(?:held by process (\\d+))?");
  private static final Pattern HASH = Pattern.compile("Hash Sum mismatch|File has unexpected size");

  private AptErrors() {}

  /** A one-line cause, or null when the output names none we know. */
  static String classify(CommandResult r) {
    if (r.timedOut()) {
      return r.command().argv().get(0)
          + " timed out after "
          + r.command().timeout().toSeconds()
          + "s";
    }
    String all = r.stdout() + "\n" + r.stderr();
    Matcher m = NO_PUBKEY.matcher(all);
    if (m.find()) {
      return "repository signature cannot be verified: NO_PUBKEY "
          + m.group(1)
          + " (signed by a key that is not in signed_by)";
    }
    if (all.contains("is not signed")
        || all.contains("The following signatures were invalid")
        || all.contains("BADSIG")
        || all.contains("NOSPLIT")
        || all.contains("Clearsigned file isn't valid")) {
      return "repository signature is invalid or missing: "
          + firstLine(
              all, List.of("is not signed", "signatures were invalid", "BADSIG", "Clearsigned"));
    }
    if (HASH.matcher(all).find()) {
      return "repository index or package does not match its checksum (Hash Sum mismatch): the"
          + " repository is inconsistent or being published";
    }
    m = LOCK.matcher(all);
    if (m.find()
        || all.contains("Unable to acquire the dpkg frontend lock")
        || all.contains("Unable to lock the administration directory")) {
      return "dpkg lock is held by another process"
          + lockHolder(all)
          + "; gave up after the lock timeout (apt.lock_timeout)";
    }
    if (all.contains("dpkg was interrupted")) {
      return "dpkg was interrupted; 'dpkg --configure -a' must run first";
    }
    m = NOT_FOUND.matcher(all);
    if (m.find()) {
      return "version "
          + m.group(1)
          + " of "
          + m.group(2)
          + " is not in the repository (vanished?)";
    }
    m = NO_PACKAGE.matcher(all);
    if (m.find()) {
      return "no package " + m.group(1) + " in the agent's repositories";
    }
    m = FETCH.matcher(all);
    if (m.find() || all.contains("W: Some index files failed to download")) {
      return "repository unreachable: "
          + (m.find(0) ? m.group().strip() : "index files failed to download");
    }
    if (all.contains("No space left on device")) {
      return "no space left on device: " + firstLine(all, List.of("No space left on device"));
    }
    if (all.contains("Sub-process /usr/bin/dpkg returned an error code")
        || all.contains("dpkg: error")) {
      String scripts = maintainerScriptFailure(all);
      return "dpkg failed: " + (scripts.isEmpty() ? r.tail(4) : scripts);
    }
    return null;
  }

  /**
   * apt's own error lines ({@code E: ...}) and the broken-dependency lines before them, one line:
   * what an operator needs beside the agent's explanation.
   */
  static String aptError(CommandResult r) {
    List<String> keep = new ArrayList<>();
    for (String line : (r.stdout() + "\n" + r.stderr()).split("\n", -1)) {
      String t = line.strip();
      if (t.startsWith("E: ")
          || t.contains(" but it is not going to be installed")
          || (t.contains(" but ") && t.contains(" is to be installed"))
          || t.startsWith("Depends: ")) {
        keep.add(t);
      }
    }
    return keep.isEmpty() ? r.describeFailure() : String.join(" | ", keep);
  }

  /**
   * dpkg's own account of a failed maintainer script: the line the script printed last, dpkg's
   * {@code error processing package P (--configure)} and the exit status; empty when there is none.
   * apt passes dpkg's output through on stdout, so the agent's stderr tail would miss it.
   */
  static String maintainerScriptFailure(String all) {
    List<String> lines = all.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("dpkg: error processing")) {
        List<String> out = new ArrayList<>();
        if (i > 0
            && !lines.get(i - 1).startsWith("Setting up")
            && !lines.get(i - 1).startsWith("Unpacking")) {
          out.add(lines.get(i - 1));
        }
        out.add(lines.get(i));
        if (i + 1 < lines.size()) {
          out.add(lines.get(i + 1));
        }
        return String.join(" | ", out);
      }
    }
    return "";
  }

  private static String lockHolder(String all) {
    Matcher m = Pattern.compile("held by process (\\d+)(?: \\(([^)]+)\\))?").matcher(all);
    return m.find()
        ? " (pid " + m.group(1) + (m.group(2) != null ? ", " + m.group(2) : "") + ")"
        : "";
  }

  private static String firstLine(String all, List<String> needles) {
    for (String line : all.lines().toList()) {
      for (String n : needles) {
        if (line.contains(n)) {
          return line.strip();
        }
      }
    }
    return "";
  }
}
