package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code agent ARGS} as its own JVM (this build's classes, the real {@link Main#main}) with stdout
 * and stderr read through pipes, as a shell pipeline or systemd would: what a command leaves in a
 * buffer at exit never reaches them. Public for the rollout commands' PostgreSQL tests, which live
 * with the harness in the rollout package.
 */
public final class AgentProcess {
  /** What one command left on its pipes, and its exit status. */
  public record Result(int exit, String out, String err) {}

  private AgentProcess() {}

  public static Result run(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Short-lived: the C1 compiler only, as the launcher's flags do.
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(Main.class.getName());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().remove("JOURNAL_STREAM");
    pb.environment().remove("WAREHOUSE_AGENT_CONFIG");
    Path errFile = Files.createTempFile("agent-stderr", ".txt");
    try {
      // stdout stays a pipe (ProcessBuilder's default); stderr goes to a file so that neither
      // stream can fill up and block the other.
      pb.redirectError(errFile.toFile());
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("agent " + String.join(" ", args) + " did not exit");
      }
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          Files.readString(errFile, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(errFile);
    }
  }
}
