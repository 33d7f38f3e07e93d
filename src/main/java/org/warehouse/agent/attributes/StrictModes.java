package org.warehouse.agent.attributes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;

/**
 * Refuses an input file that anyone but root (or the agent's own user) could have changed, as
 * sshd's StrictModes: the file and every directory above it, up to {@code /}, must be owned by a
 * trusted user and not writable by group or others; a world-writable directory is fine only with
 * its sticky bit (as {@code /tmp}), where others cannot replace what they do not own. A symbolic
 * link must itself be owned by a trusted user, and its target is checked the same way, component by
 * component as the kernel resolves it.
 */
public final class StrictModes {
  /** Root and this process's user: the agent runs as root; tests run as whoever runs them. */
  public static final StrictModes FOR_THIS_PROCESS = new StrictModes(processUid());

  private static final int S_IFMT = 0170000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFDIR = 0040000;
  private static final int STICKY = 01000;
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  // As the kernel's MAXSYMLINKS: a loop of links fails here, not in a stack overflow.
  private static final int MAX_LINKS = 40;

  private final int agentUid;

  /** Trusts root and {@code agentUid}. */
  public StrictModes(int agentUid) {
    this.agentUid = agentUid;
  }

  /**
   * Checks {@code file} (made absolute) and everything above it.
   *
   * @return the file's real path, every link resolved
   * @throws UntrustedFileException naming {@code file}, what is wrong with which path, and the fix
   * @throws IOException when a component cannot be read (e.g. {@link
   *     java.nio.file.NoSuchFileException})
   */
  public Path check(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    return walk(absolute, absolute, new int[1]);
  }

  private Path walk(Path input, Path path, int[] links) throws IOException {
    Path real = path.getRoot();
    trust(input, real, attributes(real));
    // By index, not Path's iterator: no class of its own to load on a short command's path.
    for (int i = 0; i < path.getNameCount(); i++) {
      String n = path.getName(i).toString();
      if (n.equals(".")) {
        continue;
      } else if (n.equals("..")) {
        real = real.getParent() == null ? real : real.getParent();
        continue;
      }
      Path next = real.resolve(n);
      Map<String, Object> a = attributes(next);
      if (((Integer) a.get("mode") & S_IFMT) == S_IFLNK) {
        if (++links[0] > MAX_LINKS) {
          throw new UntrustedFileException(input + ": too many levels of symbolic links");
        }
        owner(input, next, a, "symbolic link ", "chown -h root ");
        // A relative target is relative to the directory holding the link, which `real` is.
        real = walk(input, real.resolve(Files.readSymbolicLink(next)), links);
      } else {
        trust(input, next, a);
        real = next;
      }
    }
    return real;
  }

  private static Map<String, Object> attributes(Path p) throws IOException {
    return Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
  }

  private void trust(Path input, Path p, Map<String, Object> a) throws IOException {
    int mode = (Integer) a.get("mode");
    boolean dir = (mode & S_IFMT) == S_IFDIR;
    String kind = dir ? "directory " : "";
    owner(input, p, a, kind, "chown root ");
    if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(dir && (mode & STICKY) != 0)) {
      throw new UntrustedFileException(
          input
              + ": untrusted input: "
              + kind
              + p
              + " is writable by group or others (mode "
              + String.format("%04o", mode & 07777)
              + "); fix: chmod go-w "
              + p);
    }
  }

  private void owner(Path input, Path p, Map<String, Object> a, String kind, String fix)
      throws IOException {
    int uid = (Integer) a.get("uid");
    if (uid != 0 && uid != agentUid) {
      UserPrincipal who = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS);
      String name = who.getName().equals(Integer.toString(uid)) ? "" : who.getName() + ", ";
      throw new UntrustedFileException(
          input
              + ": untrusted input: "
              + kind
              + p
              + " is owned by "
              + name
              + "uid "
              + uid
              + ", not root"
              + (agentUid == 0 ? "" : " or the agent's user (uid " + agentUid + ")")
              + "; fix: "
              + fix
              + p);
    }
  }

  // The owner of /proc/self is this process's effective user.
  private static int processUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** An input file that someone other than root or the agent's user could have changed. */
  public static final class UntrustedFileException extends AttributeException {
    private static final long serialVersionUID = 1L;

    UntrustedFileException(String message) {
      super(message);
    }
  }
}
