package org.warehouse.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.apt.Quarantine;
import org.warehouse.agent.converge.Maintenance;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.RunResult;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.daemon.DaemonStatus;
import org.warehouse.agent.state.Json;
import org.warehouse.agent.state.JsonTree;

/**
 * {@code agent status --json} is written with the streaming {@link JsonTree}; it gives the bytes
 * data binding gave for the same records, null fields and damaged state included.
 */
class StatusJsonTest {
  private static final Instant T = Instant.parse("2026-12-07T05:41:58.304123456Z");

  private static final RunReport RUN =
      new RunReport(
          "3f6449d4",
          Trigger.SCHEDULED,
          false,
          T,
          T.plusMillis(1696),
          1696,
          RunResult.FAILED,
          List.of(),
          List.of(),
          "boom");
  private static final DaemonStatus DAEMON =
      new DaemonStatus(
          "26.11.01",
          4242,
          T,
          "/etc/agent.yml",
          T.plusSeconds(1),
          T.plusSeconds(900),
          null,
          "127.0.0.1:9273");
  private static final List<Quarantine.Entry> QUARANTINED =
      List.of(new Quarantine.Entry("warehouse", "2.0-1", "failed its health check", T));
  private static final Maintenance.Disabled DISABLED =
      new Maintenance.Disabled("migration \"tonight\"", "root", T);

  private static String dataBinding(
      RunReport last,
      DaemonStatus daemon,
      List<Quarantine.Entry> quarantined,
      Maintenance.Disabled disabled,
      List<String> damaged)
      throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("last_run", last);
    doc.put("next_run", daemon == null ? null : daemon.nextRun());
    doc.put("daemon", daemon);
    doc.put("quarantined", quarantined);
    doc.put("disabled", disabled);
    if (!damaged.isEmpty()) {
      doc.put("damaged_state", damaged);
    }
    // The run's trigger and result are enums now; their text (toString) is what the Strings were.
    return Json.mapper()
        .writer()
        .with(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
        .writeValueAsString(doc);
  }

  private static String streaming(
      RunReport last,
      DaemonStatus daemon,
      List<Quarantine.Entry> quarantined,
      Maintenance.Disabled disabled,
      List<String> damaged)
      throws Exception {
    return new String(
        JsonTree.write(
            StatusCommand.jsonDocument(
                Optional.ofNullable(last),
                Optional.ofNullable(daemon),
                quarantined,
                Optional.ofNullable(disabled),
                damaged)),
        StandardCharsets.UTF_8);
  }

  @Test
  void everythingKnownGivesTheBytesDataBindingGave() throws Exception {
    assertThat(streaming(RUN, DAEMON, QUARANTINED, DISABLED, List.of()))
        .isEqualTo(dataBinding(RUN, DAEMON, QUARANTINED, DISABLED, List.of()));
  }

  @Test
  void nothingKnownAndDamagedStateGiveTheBytesDataBindingGave() throws Exception {
    List<String> damaged = List.of("/var/lib/agent/last-run.json", "quarantine.json is damaged");
    assertThat(streaming(null, null, List.of(), null, damaged))
        .isEqualTo(dataBinding(null, null, List.of(), null, damaged));
  }
}
