package org.warehouse.agent.rollout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SimHostMain} in a JVM of its own (the test classpath, an argv list), so that the test
 * can SIGKILL or SIGSTOP a slot holder; its stdout lines are read as they come.
 */
final class ChildHost implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  ChildHost(TestPostgres pg, String schema, String host, RolloutKey key, long pollMs, long ttlMs)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder b =
        new ProcessBuilder(
            java,
            "-Xmx64m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            SimHostMain.class.getName(),
            pg.host(),
            Integer.toString(pg.port()),
            pg.database(),
            pg.user(),
            schema,
            host,
            key.group(),
            key.pkg(),
            key.version(),
            Long.toString(pollMs),
            Long.toString(ttlMs),
            "200");
    b.environment().put("ROLLOUT_TEST_PASSWORD", pg.password());
    b.redirectError(ProcessBuilder.Redirect.INHERIT);
    process = b.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("read failed: " + e);
              }
            },
            "child-" + host);
    reader.setDaemon(true);
    reader.start();
  }

  long pid() {
    return process.pid();
  }

  /** The first line starting with one of {@code prefixes} within {@code timeout}; fails else. */
  String await(Duration timeout, String... prefixes) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(
            "none of " + List.of(prefixes) + " from pid " + pid() + " after: " + seen);
      }
      seen.add(line);
      for (String prefix : prefixes) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }
  }

  /** Every line read so far. */
  List<String> seen() {
    return List.copyOf(seen);
  }

  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + pid() + " failed");
    }
  }

  void tell(String line) throws IOException {
    OutputStream out = process.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  boolean exited(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
