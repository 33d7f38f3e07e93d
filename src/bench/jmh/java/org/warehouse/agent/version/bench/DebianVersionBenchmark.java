package org.warehouse.agent.version.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.warehouse.agent.version.DebianVersion;

/**
 * Parse and compare of {@link DebianVersion} on the version mix in {@code version-mix.txt}, shaped
 * like {@code src/bench/c/dpkg_version_bench.c} so that the two compare: one op is one pair, one
 * invocation (a single-shot iteration) is {@value #PASSES} passes over the {@value #PAIRS} pairs,
 * 10 warmup and 5 measured iterations a fork, and the score is the mean ns per pair of the measured
 * ones. Run by {@code src/bench/version-bench.sh}, one fork a run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DebianVersionBenchmark {
  /** Pairs in version-mix.txt; kept in sync with src/bench/make-version-mix.py. */
  static final int PAIRS = 1024;

  /** Passes over the mix in one iteration, as the C baseline's default. */
  static final int PASSES = 1000;

  private static final Pattern BLANKS = Pattern.compile("\\s+");

  private String[] as;
  private String[] bs;
  private DebianVersion[] pas;
  private DebianVersion[] pbs;

  @Setup
  public void load() throws IOException {
    List<String[]> pairs = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                DebianVersionBenchmark.class.getResourceAsStream("/version-mix.txt"),
                "version-mix.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        pairs.add(BLANKS.split(line, -1));
      }
    }
    if (pairs.size() != PAIRS) {
      throw new IllegalStateException("version-mix.txt has " + pairs.size() + " pairs");
    }
    as = new String[PAIRS];
    bs = new String[PAIRS];
    pas = new DebianVersion[PAIRS];
    pbs = new DebianVersion[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
      as[i] = pairs.get(i)[0];
      bs[i] = pairs.get(i)[1];
      pas[i] = DebianVersion.parse(as[i]);
      pbs[i] = DebianVersion.parse(bs[i]);
    }
  }

  /** What the agent does: parse both, compare. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * PASSES)
  public int parseAndCompare() {
    int acc = 0;
    for (int p = 0; p < PASSES; p++) {
      for (int i = 0; i < PAIRS; i++) {
        acc += DebianVersion.parse(as[i]).compareTo(DebianVersion.parse(bs[i])) > 0 ? 1 : 0;
      }
    }
    return acc;
  }

  /** Parsing both versions of a pair. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * PASSES)
  public long parseOnly() {
    long acc = 0;
    for (int p = 0; p < PASSES; p++) {
      for (int i = 0; i < PAIRS; i++) {
        acc += DebianVersion.parse(as[i]).epoch() + DebianVersion.parse(bs[i]).epoch() + 1;
      }
    }
    return acc;
  }

  /** Comparing two parsed versions. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * PASSES)
  public int compareOnly() {
    int acc = 0;
    for (int p = 0; p < PASSES; p++) {
      for (int i = 0; i < PAIRS; i++) {
        acc += pas[i].compareTo(pbs[i]) > 0 ? 1 : 0;
      }
    }
    return acc;
  }
}
