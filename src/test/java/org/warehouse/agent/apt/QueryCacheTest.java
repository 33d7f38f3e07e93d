package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.FakeCommandRunner;

class QueryCacheTest {
  @TempDir Path dir;
  private Path status;
  private Path lists;
  private Path state;
  private final FakeCommandRunner runner =
      new FakeCommandRunner()
          .on(List.of("dpkg-query"), 0, "18.09.01\tii \tinstall\n", "")
          .on(List.of("dpkg-query", "--show", "--", "absent"), 1, "", "no packages found")
          .on(List.of("apt-cache"), 0, "warehouse:\n  Candidate: 18.09.02\n", "")
          .on(List.of("apt-get"), 0, "", "");

  @BeforeEach
  void files() throws Exception {
    status = Files.writeString(dir.resolve("status"), "Package: warehouse\n");
    lists = Files.createDirectories(dir.resolve("lists"));
    Files.writeString(lists.resolve("repo_InRelease"), "one");
    state = dir.resolve("state");
  }

  private QueryCache cache() {
    return new QueryCache(runner, state, List.of(status, lists, dir.resolve("preferences")));
  }

  private static Command cmd(String... argv) {
    return new Command(List.of(argv), null, Duration.ofSeconds(5));
  }

  private long spawned(String program) {
    return runner.argvs().stream().filter(a -> a.get(0).equals(program)).count();
  }

  @Test
  void aQueryIsAnsweredFromTheCacheWhileItsInputsAreUnchanged() throws Exception {
    QueryCache c = cache();
    CommandResult first = c.run(cmd("apt-cache", "policy", "--", "warehouse"));
    CommandResult second = c.run(cmd("apt-cache", "policy", "--", "warehouse"));
    // A fresh instance (the next run, another process) reads the answers from the state dir.
    CommandResult third = cache().run(cmd("apt-cache", "policy", "--", "warehouse"));

    assertThat(spawned("apt-cache")).isEqualTo(1);
    assertThat(second.stdout()).isEqualTo(first.stdout()).isEqualTo(third.stdout());
    assertThat(second.exitCode()).isZero();
    assertThat(Files.getPosixFilePermissions(state.resolve(QueryCache.FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void anyChangeToAnInputAsksAgain() throws Exception {
    QueryCache c = cache();
    Command policy = cmd("apt-cache", "policy", "--", "warehouse");
    c.run(policy);
    // dpkg replaces its status file: a new inode.
    Path next = Files.writeString(dir.resolve("status-new"), "Package: warehouse\n");
    Files.move(next, status, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    c.run(policy);
    assertThat(spawned("apt-cache")).isEqualTo(2);
    // apt-get update writes a new index file into the directory.
    Files.writeString(lists.resolve("repo_Packages"), "Package: warehouse\n");
    c.run(policy);
    assertThat(spawned("apt-cache")).isEqualTo(3);
    // An index file rewritten in place with other content.
    Files.writeString(lists.resolve("repo_InRelease"), "two, longer");
    c.run(policy);
    assertThat(spawned("apt-cache")).isEqualTo(4);
    // A preferences file that appears (a pin).
    Files.writeString(dir.resolve("preferences"), "Package: warehouse\nPin: version 1\n");
    c.run(policy);
    assertThat(spawned("apt-cache")).isEqualTo(5);
    c.run(policy);
    assertThat(spawned("apt-cache")).isEqualTo(5);
  }

  @Test
  void eachArgvHasItsOwnAnswerAndNotFoundIsAnAnswer() throws Exception {
    QueryCache c = cache();
    c.run(cmd("dpkg-query", "--show", "--", "warehouse"));
    CommandResult absent = c.run(cmd("dpkg-query", "--show", "--", "absent"));
    CommandResult again = c.run(cmd("dpkg-query", "--show", "--", "absent"));
    assertThat(spawned("dpkg-query")).isEqualTo(2);
    assertThat(absent.exitCode()).isEqualTo(1);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(c.run(cmd("dpkg-query", "--show", "--", "warehouse")).stdout())
        .startsWith("18.09.01");
  }

  @Test
  void failuresAndTimeoutsAreNotRemembered() throws Exception {
    runner.on(List.of("apt-cache", "policy", "--", "locked"), 100, "", "E: Could not get lock");
    runner.timeoutOn(List.of("dpkg-query", "--show", "--", "slow"));
    QueryCache c = cache();
    c.run(cmd("apt-cache", "policy", "--", "locked"));
    c.run(cmd("apt-cache", "policy", "--", "locked"));
    c.run(cmd("dpkg-query", "--show", "--", "slow"));
    c.run(cmd("dpkg-query", "--show", "--", "slow"));
    assertThat(spawned("apt-cache")).isEqualTo(2);
    assertThat(spawned("dpkg-query")).isEqualTo(2);
  }

  @Test
  void commandsThatChangeTheHostAlwaysRun() throws Exception {
    QueryCache c = cache();
    c.run(cmd("apt-get", "update"));
    c.run(cmd("apt-get", "update"));
    assertThat(spawned("apt-get")).isEqualTo(2);
  }

  @Test
  void aDamagedCacheFileIsOnlyAColdCache() throws Exception {
    Files.createDirectories(state);
    Files.writeString(state.resolve(QueryCache.FILE), "{\"x\": [");
    QueryCache c = cache();
    c.run(cmd("apt-cache", "policy", "--", "warehouse"));
    c.run(cmd("apt-cache", "policy", "--", "warehouse"));
    assertThat(spawned("apt-cache")).isEqualTo(1);
  }
}
