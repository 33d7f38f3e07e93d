package org.warehouse.agent.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DebianVersion} against {@code dpkg --compare-versions} on 120,000 generated pairs (random
 * and near-equal: shared prefixes, {@code ~ + . - :}, epochs, leading zeros, long digit runs,
 * letters, and some malformed ones), using the cached oracle in {@link DpkgOracleFile}; and, every
 * run, against the live dpkg on a fresh random sample plus a random slice of the cache, so that
 * neither our code nor the cache can drift from dpkg unnoticed.
 *
 * <p>The live part uses a new seed each run and prints it; rerun one with {@code
 * -Dversion.live.seed=SEED}. It asks dpkg about 1,500 fresh pairs ({@code -Dversion.live.pairs=N})
 * with a cached pair after every five, within a time budget of 20 s ({@code
 * -Dversion.live.seconds=S}) so that a machine busy with other builds does not stall the suite:
 * past the budget it stops, never before 200 pairs, and prints how many it checked. It is skipped,
 * saying so, where dpkg is not installed.
 */
class DebianVersionDifferentialTest {
  private static final int LIVE_FRESH_PAIRS = Integer.getInteger("version.live.pairs", 1_500);
  private static final double LIVE_SECONDS =
      Double.parseDouble(System.getProperty("version.live.seconds", "20"));
  private static final int LIVE_MINIMUM_PAIRS = 200;

  private static DpkgOracleFile.Contents oracle;

  @BeforeAll
  static void loadOracle() throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            DebianVersionDifferentialTest.class.getResourceAsStream(DpkgOracleFile.RESOURCE),
            DpkgOracleFile.RESOURCE)) {
      oracle = DpkgOracleFile.read(in);
    }
  }

  @Test
  void agreesWithCachedDpkgAnswers() {
    List<DpkgOracleFile.Entry> entries = oracle.entries();
    Map<String, Integer> byAnswer = new TreeMap<>();
    List<String> mismatches = new ArrayList<>();
    int hashChecked = 0;
    for (DpkgOracleFile.Entry e : entries) {
      byAnswer.merge(e.answer(), 1, Integer::sum);
      String ours = Dpkg.javaCompare(e.a(), e.b());
      String reversed = Dpkg.javaCompare(e.b(), e.a());
      if (!ours.equals(e.answer()) || !reversed.equals(flip(e.answer()))) {
        mismatches.add(describe(e, ours));
        continue;
      }
      if (e.answer().equals(Dpkg.EQUAL)) {
        DebianVersion a = DebianVersion.parseLax(e.a());
        DebianVersion b = DebianVersion.parseLax(e.b());
        if (!a.equals(b) || a.hashCode() != b.hashCode()) {
          mismatches.add(describe(e, "equal but equals/hashCode disagree"));
        }
        hashChecked++;
      }
    }
    System.out.printf(
        "DebianVersionDifferentialTest: cached oracle: %d pairs checked both ways against %s"
            + " answers %s, equals/hashCode on %d equal pairs: %d agree, %d differ%n",
        entries.size(),
        oracle.header().stream()
            .filter(h -> h.startsWith("# dpkg="))
            .map(h -> h.substring("# dpkg=".length()))
            .findFirst()
            .orElse("?"),
        byAnswer,
        hashChecked,
        entries.size() - mismatches.size(),
        mismatches.size());
    assertThat(entries.size()).as("cached pairs").isGreaterThanOrEqualTo(100_000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void agreesWithLiveDpkgOnAFreshSample() {
    assumeTrue(Dpkg.available(), "dpkg is not installed: live differential check skipped");
    long seed = Long.getLong("version.live.seed", System.nanoTime());
    List<String[]> fresh = new VersionPairGenerator(seed).pairs(LIVE_FRESH_PAIRS);
    // Every sixth pair comes from the cache: if dpkg changed, the cached answers are stale.
    Random pick = new Random(seed);
    List<String[]> pairs = new ArrayList<>();
    List<DpkgOracleFile.Entry> cachedAt = new ArrayList<>();
    for (String[] p : fresh) {
      pairs.add(p);
      cachedAt.add(null);
      if (pairs.size() % 6 == 5) {
        DpkgOracleFile.Entry e = oracle.entries().get(pick.nextInt(oracle.entries().size()));
        pairs.add(new String[] {e.a(), e.b()});
        cachedAt.add(e);
      }
    }
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    long runsBefore = Dpkg.runs();
    long t0 = System.nanoTime();
    // dpkg takes ~2.6 ms a run on an idle machine but ten times that on a busy one; past the
    // budget the rest of the sample is left out (and the count printed says so).
    long deadline = t0 + (long) (LIVE_SECONDS * 1e9);
    List<String> answers = Dpkg.compareAll(pairs, threads, LIVE_MINIMUM_PAIRS, deadline);
    double seconds = (System.nanoTime() - t0) / 1e9;

    List<String> mismatches = new ArrayList<>();
    int freshChecked = 0;
    int cachedChecked = 0;
    for (int i = 0; i < pairs.size(); i++) {
      String live = answers.get(i);
      if (live == null) {
        continue;
      }
      String[] p = pairs.get(i);
      String ours = Dpkg.javaCompare(p[0], p[1]);
      if (!ours.equals(live)) {
        mismatches.add(describe(new DpkgOracleFile.Entry(p[0], p[1], live), ours) + " (live)");
      }
      DpkgOracleFile.Entry cached = cachedAt.get(i);
      if (cached == null) {
        freshChecked++;
      } else {
        cachedChecked++;
        if (!cached.answer().equals(live)) {
          mismatches.add(
              "'"
                  + DpkgOracleFile.escape(p[0])
                  + "' vs '"
                  + DpkgOracleFile.escape(p[1])
                  + "': cached "
                  + cached.answer()
                  + ", live dpkg "
                  + live
                  + " (the cache is stale: regenerate it)");
        }
      }
    }
    System.out.printf(
        "DebianVersionDifferentialTest: live dpkg, seed %d (-Dversion.live.seed=%d to rerun):"
            + " %d fresh + %d cached pairs checked (of %d + %d; budget %.0f s),"
            + " %d dpkg runs on %d threads in %.1f s: %d agree, %d differ%n",
        seed,
        seed,
        freshChecked,
        cachedChecked,
        fresh.size(),
        pairs.size() - fresh.size(),
        LIVE_SECONDS,
        Dpkg.runs() - runsBefore,
        threads,
        seconds,
        freshChecked + cachedChecked - mismatches.size(),
        mismatches.size());
    assertThat(freshChecked + cachedChecked).isGreaterThanOrEqualTo(LIVE_MINIMUM_PAIRS);
    assertThat(mismatches).isEmpty();
  }

  private static String flip(String answer) {
    return switch (answer) {
      case Dpkg.LESS -> Dpkg.GREATER;
      case Dpkg.GREATER -> Dpkg.LESS;
      default -> answer;
    };
  }

  private static String describe(DpkgOracleFile.Entry e, String ours) {
    return "'"
        + DpkgOracleFile.escape(e.a())
        + "' vs '"
        + DpkgOracleFile.escape(e.b())
        + "': dpkg "
        + e.answer()
        + ", ours "
        + ours;
  }
}
