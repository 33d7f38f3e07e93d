package org.warehouse.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** A thin client's log lines: the format and levels java.util.logging would give them. */
class StderrLogTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void onATerminalLinesCarryATimestampAndLevel_fineOnlyWhenVerbose() {
    StderrLog log = new StderrLog(err, false, new JournalFormatter(false));
    assertThat(log.isLoggable(Level.FINE)).isFalse();
    assertThat(log.isLoggable(Level.INFO)).isTrue();
    log.log(Level.INFO, "converge started (manual, run x)");
    log.log(Level.SEVERE, "converge failed in 3 ms: boom");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z INFO converge started \\(manual,"
                + " run x\\)\\n"
                + "\\S+Z ERROR converge failed in 3 ms: boom\\n");
    assertThat(new StderrLog(err, true, new JournalFormatter(false)).isLoggable(Level.FINE))
        .isTrue();
  }

  @Test
  void underSystemdLinesCarryTheSyslogPriorityJournaldReads() {
    new StderrLog(err, false, new JournalFormatter(true))
        .log(Level.WARNING, "package:warehouse left at 1");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("<4>package:warehouse left at 1\n");
  }
}
