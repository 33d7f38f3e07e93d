package org.warehouse.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.ProbeState;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.apt.QueryCache;
import org.warehouse.agent.exec.Command;
import org.warehouse.agent.exec.CommandResult;
import org.warehouse.agent.exec.FakeCommandRunner;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.state.DamagedState;
import org.warehouse.agent.state.JsonTree;

/**
 * Every state file the agent reads, fed what a crash, a full disk or a hand edit leaves: nothing,
 * truncations of a sound file, {@code {}}, {@code null}, each value replaced by another type, and
 * seeded random bytes. A reader answers a safe default with a warning naming the file, or (where
 * safety needs it) an IOException naming the file; never another exception, never a half-read
 * record with nulls in it.
 */
class DamagedStateFuzzTest {
  private static final long SEED = 20261207L;
  private static final Instant T = Instant.parse("2026-12-07T00:00:00Z");

  @TempDir Path dir;
  Path state;
  final List<String> warnings = new ArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          warnings.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    state = dir.resolve("state");
    Logger.getLogger(DamagedState.class.getName()).addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    Logger.getLogger(DamagedState.class.getName()).removeHandler(capture);
  }

  /** A reader of one file, and what it must hold of the reader's answer. */
  interface Reader {
    void check(Path file) throws Exception;
  }

  @Test
  void lastRunJson() throws Exception {
    RunHistory history = new RunHistory(state, 5);
    history.record(report());
    fuzz(
        history.lastRunFile(),
        file -> {
          Optional<RunReport> last = history.last();
          last.ifPresent(DamagedStateFuzzTest::sound);
          history.lastFailed();
          try {
            sound(RunHistory.read(file));
          } catch (IOException e) {
            assertThat(e).hasMessageContaining(file.toString());
          }
        });
  }

  @Test
  void quarantineFailsClosedNamingTheFile() throws Exception {
    Quarantine q = new Quarantine(state, Clock.systemUTC());
    q.add("warehouse", "18.09.02", "health check failed");
    fuzz(
        q.file(),
        file -> {
          try {
            for (Quarantine.Entry e : q.list()) {
              assertThat(e.packageName()).isNotNull();
              assertThat(e.version()).isNotNull();
              assertThat(e.reason()).isNotNull();
              assertThat(e.time()).isNotNull();
            }
            q.find("warehouse", "18.09.02");
          } catch (IOException e) {
            assertThat(e).hasMessageContaining(file.toString());
          }
        });
  }

  @Test
  void disabledCountsAsDisabledWhateverItHolds() throws Exception {
    Maintenance m = new Maintenance(state);
    m.disable("OPS-1", "alice", T);
    fuzz(
        m.file(),
        file -> {
          try {
            Maintenance.Disabled d = m.current().orElseThrow(() -> new AssertionError("enabled"));
            assertThat(d.reason()).isNotNull();
            assertThat(d.by()).isNotNull();
            assertThat(d.since()).isNotNull();
          } catch (IOException e) {
            assertThat(e).hasMessageContaining(file.toString());
          }
        });
  }

  @Test
  void probeCache() throws Exception {
    ProbeCache cache = new ProbeCache(state);
    cache.save(
        "warehouse",
        new ProbeState(
            "http://apt/dists/x/InRelease", "\"e\"", "d", "ab", T, T, T.plusSeconds(86400)));
    fuzz(
        state.resolve("repositories/warehouse.json"),
        file -> cache.load("warehouse").ifPresent(s -> assertThat(s.uri()).isNotNull()));
  }

  @Test
  void aptQueryCache() throws Exception {
    Path status = Files.writeString(dir.resolve("status"), "Package: warehouse\n");
    FakeCommandRunner runner =
        new FakeCommandRunner().on(List.of("dpkg-query"), 0, "18.09.01\tii \tinstall\n", "");
    Command query = new Command(List.of("dpkg-query", "--show", "warehouse"), null, T_OUT);
    new QueryCache(runner, state, List.of(status)).run(query);
    fuzz(
        state.resolve(QueryCache.FILE),
        file -> {
          CommandResult r = new QueryCache(runner, state, List.of(status)).run(query);
          // A well-formed entry with another answer ("x") is the cache's to believe.
          assertThat(r.stdout()).isNotNull();
          assertThat(r.stderr()).isNotNull();
        });
  }

  private static final Duration T_OUT = Duration.ofSeconds(5);

  @Test
  void theDamageReportedAtDaemonStartIsAWarningNamingTheFile() throws Exception {
    RunHistory history = new RunHistory(state, 5);
    Files.createDirectories(state);
    for (String damaged : List.of("{}", "{\"end\": null}", "{\"runId\": \"x\", \"resu")) {
      Files.writeString(history.lastRunFile(), damaged);
      warnings.clear();
      assertThat(history.last()).as(damaged).isEmpty();
      assertThat(history.lastFailed()).as(damaged).isTrue();
      assertThat(warnings).as(damaged).hasSize(2);
      assertThat(warnings.get(0)).startsWith(history.lastRunFile() + " is damaged (");
    }
  }

  @Test
  void anUnknownTriggerOrResultIsDamageNamingTheFile() throws Exception {
    RunHistory history = new RunHistory(state, 5);
    history.record(report());
    String sound = Files.readString(history.lastRunFile());
    assertThat(sound).contains("\"trigger\" : \"manual\"").contains("\"result\" : \"changed\"");
    for (String damaged :
        List.of(
            sound.replace("\"trigger\" : \"manual\"", "\"trigger\" : \"cron\""),
            sound.replace("\"result\" : \"changed\"", "\"result\" : \"CHANGED\""))) {
      Files.writeString(history.lastRunFile(), damaged);
      warnings.clear();
      assertThat(history.last()).as(damaged).isEmpty();
      assertThat(warnings).as(damaged).hasSize(1);
      assertThat(warnings.get(0)).startsWith(history.lastRunFile() + " is damaged (");
      assertThatThrownBy(() -> RunHistory.read(history.lastRunFile()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(history.lastRunFile() + " is damaged (")
          .hasMessageContaining("unknown");
    }
    // lastFailed reads only the result: an unknown one counts as a failed run, as damage does.
    warnings.clear();
    assertThat(history.lastFailed()).isTrue();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith(history.lastRunFile() + " is damaged (");
  }

  // ---- the inputs

  private void fuzz(Path file, Reader reader) throws Exception {
    byte[] sound = Files.readAllBytes(file);
    List<byte[]> inputs = new ArrayList<>();
    for (String s :
        List.of(
            "",
            " ",
            "\n",
            "{",
            "}",
            "{}",
            "[]",
            "null",
            "0",
            "-1",
            "true",
            "\"x\"",
            "{\"end\": null}")) {
      inputs.add(s.getBytes(StandardCharsets.UTF_8));
    }
    inputs.add("[".repeat(100_000).getBytes(StandardCharsets.UTF_8));
    inputs.add("{\"a\":".repeat(10_000).getBytes(StandardCharsets.UTF_8));
    for (int n = 0; n < sound.length; n++) {
      byte[] prefix = new byte[n];
      System.arraycopy(sound, 0, prefix, 0, n);
      inputs.add(prefix);
    }
    for (Object mutated : wrongTypes(JsonTree.read(sound))) {
      inputs.add(JsonTree.write(mutated));
    }
    Random random = new Random(SEED);
    for (int i = 0; i < 150; i++) {
      byte[] noise = new byte[random.nextInt(400)];
      random.nextBytes(noise);
      inputs.add(noise);
      byte[] flipped = sound.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
      }
      inputs.add(flipped);
    }
    for (byte[] input : inputs) {
      Files.write(file, input);
      try {
        reader.check(file);
      } catch (Exception | AssertionError e) {
        throw new AssertionError(
            file.getFileName() + " holding " + new String(input, StandardCharsets.ISO_8859_1), e);
      }
    }
    for (String w : warnings) {
      assertThat(w).startsWith(file + " is damaged (");
    }
  }

  private static final List<Object> OTHER_TYPES =
      List.of(1, "x", "2026-13-99T99:00:00Z", true, List.of(), new LinkedHashMap<>(), List.of(1));

  /** The tree with one value (at any depth) replaced by null or a value of another type. */
  private static List<Object> wrongTypes(Object tree) {
    List<Object> out = new ArrayList<>();
    List<Object> replacements = new ArrayList<>(OTHER_TYPES);
    replacements.add(null);
    for (Object r : replacements) {
      out.add(r);
    }
    if (tree instanceof Map<?, ?> m) {
      for (Object key : m.keySet()) {
        for (Object sub : wrongTypes(m.get(key))) {
          Map<Object, Object> copy = new LinkedHashMap<>(m);
          copy.put(key, sub);
          out.add(copy);
        }
        Map<Object, Object> without = new LinkedHashMap<>(m);
        without.remove(key);
        out.add(without);
      }
    } else if (tree instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        for (Object sub : wrongTypes(l.get(i))) {
          List<Object> copy = new ArrayList<>(l);
          copy.set(i, sub);
          out.add(copy);
        }
      }
    }
    return out;
  }

  private static RunReport report() {
    return new RunReport(
        "run-1",
        Trigger.MANUAL,
        false,
        T,
        T.plusSeconds(1),
        1000,
        RunResult.CHANGED,
        List.of(
            new ResourceReport(
                ResourceId.parse("file:/x"), ResourceStatus.CHANGED, "a", "b", "d", "", 3)),
        List.of(
            new ResourceReport(
                ResourceId.parse("service:web"),
                ResourceStatus.CHANGED,
                "",
                "restarted",
                "",
                "",
                4)),
        "");
  }

  private static void sound(RunReport r) {
    assertThat(r.runId()).isNotNull();
    assertThat(r.trigger()).isNotNull();
    assertThat(r.start()).isNotNull();
    assertThat(r.end()).isNotNull();
    assertThat(r.result()).isNotNull();
    assertThat(r.error()).isNotNull();
    for (ResourceReport res : r.resources()) {
      sound(res);
    }
    for (ResourceReport res : r.notifications()) {
      sound(res);
    }
  }

  private static void sound(ResourceReport r) {
    assertThat(r.id()).isNotNull();
    assertThat(r.status()).isNotNull();
    assertThat(r.before()).isNotNull();
    assertThat(r.after()).isNotNull();
    assertThat(r.detail()).isNotNull();
    assertThat(r.error()).isNotNull();
  }
}
