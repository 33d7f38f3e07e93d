package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.warehouse.agent.rollout.PostgresHarnessIT.gone;
import static org.warehouse.agent.rollout.PostgresHarnessIT.processesNaming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.sandbox.Await;

/** A test that dies leaves no server: postgres.sh's watchdog, and the reaping on each start. */
class PostgresLeftoversIT {
  private Process owner;
  private Map<String, String> instance = Map.of();

  @AfterEach
  void cleanUp() {
    if (owner != null) {
      owner.destroyForcibly();
    }
    if (instance.containsKey("PG_DIR")) {
      PostgresScript.run(List.of("stop", instance.get("PG_DIR"))).requireSuccess();
    }
  }

  @Test
  void theOwnersDeathStopsAndRemovesTheServer() throws Exception {
    startOwnedBySleep();
    long postmaster = Long.parseLong(instance.get("PG_PID"));
    Path dir = Path.of(instance.get("PG_DIR"));

    owner.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no close()

    Await.until(
        "the watchdog to remove " + dir, Duration.ofSeconds(15), () -> Files.notExists(dir));
    assertThat(gone(postmaster)).isTrue();
    assertThat(processesNaming(dir)).isEmpty();
  }

  @Test
  void theOwnersDeathStopsItsPgBouncerToo() throws Exception {
    startOwnedBySleep();
    Path dir = Path.of(instance.get("PG_DIR"));
    Map<String, String> bouncer =
        PostgresScript.run(List.of("bouncer", dir.toString())).requireSuccess().values();
    long pid = Long.parseLong(bouncer.get("BOUNCER_PID"));
    assertThat(gone(pid)).isFalse();

    owner.destroyForcibly().waitFor();

    Await.until(
        "the watchdog to remove " + dir, Duration.ofSeconds(15), () -> Files.notExists(dir));
    assertThat(gone(pid)).isTrue();
    assertThat(processesNaming(dir)).isEmpty();
  }

  @Test
  void theNextStartReapsAServerWhoseOwnerAndWatchdogAreGone() throws Exception {
    startOwnedBySleep();
    long postmaster = Long.parseLong(instance.get("PG_PID"));
    Path dir = Path.of(instance.get("PG_DIR"));
    long watchdog = Long.parseLong(Files.readString(dir.resolve("watchdog.pid")).trim());
    ProcessHandle.of(watchdog).orElseThrow().destroyForcibly();
    Await.until("the watchdog to go", Duration.ofSeconds(5), () -> gone(watchdog));
    owner.destroyForcibly().waitFor();
    assertThat(list()).contains(dir + " " + instance.get("PG_PORT") + " " + postmaster + " ");

    try (TestPostgres next = TestPostgres.start()) {
      assertThat(dir).doesNotExist();
      assertThat(gone(postmaster)).isTrue();
      assertThat(list()).doesNotContain(dir.toString()).contains(next.directory().toString());
    }
  }

  private void startOwnedBySleep() throws IOException {
    owner = new ProcessBuilder("sleep", "600").start();
    instance =
        PostgresScript.run(List.of("start", "--owner", Long.toString(owner.pid())))
            .requireSuccess()
            .values();
    assertThat(gone(Long.parseLong(instance.get("PG_PID")))).isFalse();
  }

  private static String list() {
    return PostgresScript.run(List.of("list")).requireSuccess().stdout();
  }
}
