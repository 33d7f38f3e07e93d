package org.warehouse.agent.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StrictModes: who could have changed an input file, up to /, through symbolic links. */
class StrictModesTest {
  private static final int NOBODY = 65534;

  @TempDir Path tmp;
  private Path dir;
  private final StrictModes strict = StrictModes.FOR_THIS_PROCESS;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("etc"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path file(String name, String perms) throws IOException {
    Path p = Files.writeString(dir.resolve(name), "a: 1\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    return p;
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  private static void chownNobody(Path p) throws IOException {
    UserPrincipal nobody =
        p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setOwner(nobody);
  }

  // The JDK cannot set the sticky bit; chmod can.
  private static void chmod(String mode, Path p) throws Exception {
    Process chmod = new ProcessBuilder("chmod", mode, p.toString()).inheritIO().start();
    assertThat(chmod.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(chmod.exitValue()).isZero();
  }

  @Test
  void aFileOnlyRootOrTheAgentCanChangeIsTrustedUpToTheRoot() throws IOException {
    Path f = file("agent.yml", "rw-r--r--");
    assertThat(strict.check(f)).isEqualTo(f.toRealPath());
    // /tmp, above the test's directory, is world-writable and sticky: fine.
    assertThat((Integer) Files.getAttribute(Path.of("/tmp"), "unix:mode") & 01777).isEqualTo(01777);
  }

  @Test
  void aFileGroupOrOthersCanWriteIsRefusedWithTheFix() throws IOException {
    for (String perms : List.of("rw-rw-rw-", "rw-rw-r--", "rw-r--rw-")) {
      Path f = file("a-" + perms + ".yml", perms);
      assertThatThrownBy(() -> strict.check(f))
          .isInstanceOf(StrictModes.UntrustedFileException.class)
          .hasMessageStartingWith(f + ": untrusted input: " + f + " is writable by group or others")
          .hasMessageEndingWith("; fix: chmod go-w " + f);
    }
    assertThatThrownBy(() -> strict.check(file("b.yml", "rw-rw-rw-")))
        .hasMessageContaining("(mode 0666)");
  }

  @Test
  void aFileOwnedByAnotherUserIsRefusedUnlessItIsTheAgentsOwn() throws IOException {
    assumeTrue(isRoot(), "chown needs root");
    Path f = file("attrs.yml", "rw-r--r--");
    chownNobody(f);
    assertThatThrownBy(() -> strict.check(f))
        .isInstanceOf(StrictModes.UntrustedFileException.class)
        .hasMessage(
            f
                + ": untrusted input: "
                + f
                + " is owned by nobody, uid 65534, not root; fix: chown root "
                + f);
    // An agent running as that user trusts it, as it trusts root's.
    assertThat(new StrictModes(NOBODY).check(f)).isEqualTo(f.toRealPath());
    assertThatThrownBy(() -> new StrictModes(1234).check(f))
        .hasMessageContaining("not root or the agent's user (uid 1234)");
  }

  @Test
  void aDirectoryAboveThatOthersCanWriteIsRefusedNamingTheDirectory() throws IOException {
    Path f = file("agent.yml", "rw-r--r--");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> strict.check(f))
        .hasMessage(
            f
                + ": untrusted input: directory "
                + dir
                + " is writable by group or others (mode 0777); fix: chmod go-w "
                + dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxr-x"));
    assertThatThrownBy(() -> strict.check(f))
        .hasMessageContaining("directory " + tmp + " is writable by group or others (mode 0775)");
  }

  @Test
  void aStickyWorldWritableDirectoryIsFineButOnlyIfATrustedUserOwnsIt() throws Exception {
    Path f = file("agent.yml", "rw-r--r--");
    chmod("1777", dir);
    assertThat(strict.check(f)).isEqualTo(f.toRealPath());
    // What a sticky directory holds must still be trusted itself.
    Path g = file("other.yml", "rw-rw-rw-");
    assertThatThrownBy(() -> strict.check(g)).hasMessageContaining("fix: chmod go-w " + g);
    assumeTrue(isRoot(), "chown needs root");
    chownNobody(dir);
    assertThatThrownBy(() -> strict.check(f))
        .hasMessageContaining("directory " + dir + " is owned by nobody, uid 65534")
        .hasMessageEndingWith("fix: chown root " + dir);
  }

  @Test
  void aSymbolicLinkIsFollowedOnlyToATargetThatPassesTheSameTest() throws Exception {
    Path good = file("good.yml", "rw-r--r--");
    Path bad = file("bad.yml", "rw-rw-rw-");
    Path links = Files.createDirectory(tmp.resolve("links"));
    Path toGood = Files.createSymbolicLink(links.resolve("a.yml"), Path.of("../etc/good.yml"));
    Path toBad = Files.createSymbolicLink(links.resolve("b.yml"), bad);
    assertThat(strict.check(toGood)).isEqualTo(good.toRealPath());
    assertThatThrownBy(() -> strict.check(toBad))
        .hasMessage(
            toBad
                + ": untrusted input: "
                + bad
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + bad);
    // The target's directories count too: a good file in a directory others can write.
    Path open = Files.createDirectory(tmp.resolve("open"));
    Path inOpen = Files.writeString(open.resolve("x.yml"), "a: 1\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path toOpen = Files.createSymbolicLink(links.resolve("c.yml"), inOpen);
    assertThatThrownBy(() -> strict.check(toOpen))
        .hasMessageContaining("directory " + open + " is writable by group or others");
    // A link through a linked directory: each component as the kernel resolves it.
    Path linkedDir = Files.createSymbolicLink(tmp.resolve("etc-link"), Path.of("etc"));
    assertThat(strict.check(linkedDir.resolve("good.yml"))).isEqualTo(good.toRealPath());
  }

  @Test
  void aLinkToShadowPlantedByAnotherUserIsRefusedBeforeTheTargetIsRead() throws Exception {
    assumeTrue(isRoot(), "chown needs root");
    Path link = Files.createSymbolicLink(dir.resolve("00-shadow.yml"), Path.of("/etc/shadow"));
    chownNobody(link);
    assertThatThrownBy(() -> strict.check(link))
        .hasMessage(
            link
                + ": untrusted input: symbolic link "
                + link
                + " is owned by nobody, uid 65534, not root; fix: chown -h root "
                + link);
    // Through the attribute loader: refused, and nothing of the target shows.
    assertThatThrownBy(() -> new AttributeLoader().load(Map.of(), List.of(dir), Map.of(), null))
        .isInstanceOf(AttributeException.class)
        .hasMessageContaining("fix: chown -h root " + link)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("root:"));
  }

  @Test
  void attributeFilesAndDirectoriesAreCheckedBeforeTheyAreRead() throws IOException {
    Path f = file("10-app.yml", "rw-rw-rw-");
    AttributeLoader loader = new AttributeLoader();
    assertThatThrownBy(() -> loader.load(Map.of(), List.of(dir), Map.of(), null))
        .isInstanceOf(AttributeException.class)
        .hasMessage(
            f
                + ": untrusted input: "
                + f
                + " is writable by group or others (mode 0666); fix: chmod go-w "
                + f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(loader.load(Map.of(), List.of(dir), Map.of(), null).lookup("a")).isEqualTo(1L);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> loader.load(Map.of(), List.of(dir), Map.of(), null))
        .hasMessage(
            dir
                + ": untrusted input: directory "
                + dir
                + " is writable by group or others (mode 0777); fix: chmod go-w "
                + dir);
  }

  @Test
  void loopsAndMissingFilesAreErrorsNotHangs() throws IOException {
    Path a = tmp.resolve("loop-a");
    Files.createSymbolicLink(a, tmp.resolve("loop-b"));
    Files.createSymbolicLink(tmp.resolve("loop-b"), a);
    assertThatThrownBy(() -> strict.check(a)).hasMessage(a + ": too many levels of symbolic links");
    assertThatThrownBy(() -> strict.check(dir.resolve("missing.yml")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
