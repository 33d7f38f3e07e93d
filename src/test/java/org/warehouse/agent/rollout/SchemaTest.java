package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/** The schema check that spares Flyway on a migrated database, and the lock Flyway reports. */
class SchemaTest {
  @Test
  void newestNamesTheLastMigrationInTheJar() throws IOException {
    Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
    int newest;
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/rollout"))) {
      newest =
          files
              .map(f -> versioned.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .max()
              .orElseThrow();
    }
    assertThat(Schema.NEWEST).isEqualTo(Integer.toString(newest));
  }

  @Test
  void aTakenMigrationLockIsToldApartFromOtherFlywayErrors() {
    assertThat(
            Schema.lockTaken(
                new FlywayException(
                    "Number of retries exceeded while attempting to acquire PostgreSQL advisory"
                        + " lock. Configure the number of retries with the 'lockRetryCount'")))
        .isTrue();
    assertThat(Schema.lockTaken(new FlywayException("Validate failed: checksum mismatch")))
        .isFalse();
  }
}
