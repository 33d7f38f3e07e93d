package org.warehouse.agent.daemon;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.apt.AptRepository;
import org.warehouse.agent.apt.ProbeCache;
import org.warehouse.agent.apt.RepositoryProbe;

/**
 * What one release probe of the daemon costs it when nothing changed: wall time and heap allocated
 * per {@link ReleaseCheck#check} (a conditional GET answered 304), against python3's http.server in
 * a process of its own, so that every byte this JVM allocates is the probe's. Not a test: figures.
 *
 * <p>args: ROUNDS (default 2000). Run: {@code mvn -q exec:java@bench
 * -Dbench.main=org.warehouse.agent.daemon.ReleaseProbeCost}.
 */
public final class ReleaseProbeCost {
  private ReleaseProbeCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].strip()) : 2000;
    Path dir = Files.createTempDirectory("probe-cost");
    Path inRelease = dir.resolve("repo/dists/stable/InRelease");
    Files.createDirectories(inRelease.getParent());
    // The size of a one-component repository's signed InRelease.
    Files.writeString(inRelease, "Suite: stable\nDate: Mon, 07 Dec 2026 08:00:00 UTC\n".repeat(60));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process server =
        new ProcessBuilder(
                "python3",
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "--directory",
                dir.resolve("repo").toString(),
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + port + "/");
      awaitServer(uri.resolve("dists/stable/InRelease"));
      AptRepository repo =
          new AptRepository(
              "warehouse",
              uri,
              "stable",
              List.of("main"),
              Path.of("/k.gpg"),
              Duration.ofSeconds(10));
      RepositoryProbe probe = new RepositoryProbe(Clock.systemUTC());
      ProbeCache cache = new ProbeCache(dir.resolve("state"));
      cache.save("warehouse", probe.probe(repo, Optional.empty()).state());
      ReleaseCheck check = new ReleaseCheck(probe);
      run(check, repo, cache, rounds / 2); // warm-up: JIT, class loading
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      long bytes0 = threads.getTotalThreadAllocatedBytes();
      long t0 = System.nanoTime();
      Map<ReleaseCheck.Result, Integer> results = run(check, repo, cache, rounds);
      long nanos = System.nanoTime() - t0;
      long bytes = threads.getTotalThreadAllocatedBytes() - bytes0;
      System.out.printf(
          "release probe, 304 (nothing changed), %d rounds: %.3f ms and %.1f KB allocated per"
              + " probe (%s); %d CPUs, load %s%n",
          rounds,
          nanos / 1e6 / rounds,
          bytes / 1024.0 / rounds,
          results,
          Runtime.getRuntime().availableProcessors(),
          Files.readString(Path.of("/proc/loadavg")).strip());
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private static Map<ReleaseCheck.Result, Integer> run(
      ReleaseCheck check, AptRepository repo, ProbeCache cache, int rounds)
      throws InterruptedException {
    Map<ReleaseCheck.Result, Integer> results = new EnumMap<>(ReleaseCheck.Result.class);
    for (int i = 0; i < rounds; i++) {
      results.merge(check.check(repo, cache), 1, Integer::sum);
    }
    return results;
  }

  private static void awaitServer(URI uri) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        if (c.getResponseCode() == 200) {
          c.disconnect();
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("python3 -m http.server did not start on " + uri);
  }
}
