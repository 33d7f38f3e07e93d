package org.warehouse.agent.render;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for {@link AtomicFileWriterTest}: writes {@code args[1]} to {@code args[0]} and halts
 * (as {@code kill -9} would stop it: no finally blocks, no shutdown hooks) before step {@code
 * args[2]}.
 */
final class CrashingWrite {
  private CrashingWrite() {}

  public static void main(String[] args) {
    int haltAt = Integer.parseInt(args[2]);
    int[] seen = {0};
    FaultyFileOperations ops =
        new FaultyFileOperations(
            -1,
            step -> {
              if (++seen[0] == haltAt) {
                Runtime.getRuntime().halt(137);
              }
            });
    Path target = Path.of(args[0]);
    new AtomicFileWriter(ops)
        .write(
            target,
            args[1].getBytes(StandardCharsets.UTF_8),
            null,
            null,
            "0640",
            target.resolveSibling("backup"));
    System.exit(0);
  }
}
