package org.warehouse.agent.version;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The cached dpkg oracle: generated version pairs with {@code dpkg --compare-versions}'s answer to
 * each, gzipped TSV, read by {@link DebianVersionDifferentialTest}.
 *
 * <p>Regenerate from the project directory, then commit the file. dpkg costs some 2.6 ms a process
 * on an idle machine and each pair takes one run (two when our answer is wrong, since the first
 * question asked is the one our answer predicts yes to), so 120,000 pairs take a few minutes on 2
 * idle cores; the committed file took 33 minutes on a machine busy with other builds.
 *
 * <pre>
 * mvn -B -q -o test-compile -Dspotless.check.skip=true
 * java -cp target/classes:target/test-classes org.warehouse.agent.version.DpkgOracleFile \
 *     src/test/resources/org/warehouse/agent/version/dpkg-oracle.tsv.gz [SEED [COUNT]]
 * </pre>
 *
 * <p>Format: {@code #} header lines (seed, count, dpkg's version), then one line a pair: {@code A
 * TAB B TAB ANSWER}, where ANSWER is {@code <}, {@code =}, {@code >} (A against B), or {@code E}
 * (dpkg exited 2: a version has a syntax error); backslash, tab, LF, CR, VT and FF in versions are
 * written as {@code \\ \t \n \r \v \f}.
 */
final class DpkgOracleFile {
  static final String RESOURCE = "/org/warehouse/agent/version/dpkg-oracle.tsv.gz";
  static final long DEFAULT_SEED = 20261101L;
  static final int DEFAULT_COUNT = 120_000;

  /** One cached pair and dpkg's answer. */
  record Entry(String a, String b, String answer) {}

  /** The file's entries and header. */
  record Contents(List<String> header, List<Entry> entries) {}

  private DpkgOracleFile() {}

  static Contents read(InputStream gz) throws IOException {
    List<String> header = new ArrayList<>();
    List<Entry> entries = new ArrayList<>(DEFAULT_COUNT);
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(gz, 1 << 16), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#")) {
          header.add(line);
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
          throw new IOException("bad oracle line: " + line);
        }
        entries.add(new Entry(unescape(f[0]), unescape(f[1]), f[2]));
      }
    }
    return new Contents(header, entries);
  }

  static void write(OutputStream out, List<String> header, List<Entry> entries) throws IOException {
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(new GZIPOutputStream(out, 1 << 16), StandardCharsets.UTF_8))) {
      for (String h : header) {
        w.write("# " + h + "\n");
      }
      for (Entry e : entries) {
        w.write(escape(e.a()) + "\t" + escape(e.b()) + "\t" + e.answer() + "\n");
      }
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\u000b' -> sb.append("\\v");
        case '\f' -> sb.append("\\f");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case '\\' -> sb.append('\\');
        case 't' -> sb.append('\t');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 'v' -> sb.append('\u000b');
        case 'f' -> sb.append('\f');
        default -> throw new IllegalArgumentException("bad escape in " + s);
      }
    }
    return sb.toString();
  }

  /** Regenerates the oracle file: {@code PATH [SEED [COUNT]]}. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || !Dpkg.available()) {
      System.err.println("usage: DpkgOracleFile PATH [SEED [COUNT]]  (needs /usr/bin/dpkg)");
      System.exit(64);
    }
    Path path = Path.of(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SEED;
    int count = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_COUNT;
    int threads = Runtime.getRuntime().availableProcessors();
    List<String[]> pairs = new VersionPairGenerator(seed).pairs(count);
    long t0 = System.nanoTime();
    List<Entry> entries = new ArrayList<>(count);
    int chunk = 5_000;
    for (int from = 0; from < pairs.size(); from += chunk) {
      List<String[]> part = pairs.subList(from, Math.min(pairs.size(), from + chunk));
      List<String> answers = Dpkg.compareAll(part, threads);
      for (int i = 0; i < part.size(); i++) {
        entries.add(new Entry(part.get(i)[0], part.get(i)[1], answers.get(i)));
      }
      System.err.printf(
          "%d/%d pairs, %.0f s%n", entries.size(), count, (System.nanoTime() - t0) / 1e9);
    }
    List<String> header =
        List.of(
            "dpkg --compare-versions oracle for DebianVersionDifferentialTest; regenerate with"
                + " DpkgOracleFile (see its Javadoc)",
            "seed=" + seed + " count=" + count,
            "dpkg=" + Dpkg.version(),
            "columns: A TAB B TAB answer (< = > of A against B, or E: dpkg exited 2)");
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      write(out, header, entries);
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    System.err.printf(
        "wrote %d pairs to %s in %.0f s%n", entries.size(), path, (System.nanoTime() - t0) / 1e9);
  }
}
