package org.warehouse.agent.sandbox;

import java.util.ArrayList;
import java.util.List;

/** Medians and least-squares slopes for the benchmark programs' figures. */
public final class BenchStats {
  private BenchStats() {}

  /** The median of {@code values} (the mean of the middle two for an even count). */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The least-squares slope of {@code ys} over {@code xs} (NaN with fewer than two points). */
  public static double slope(List<Double> xs, List<Double> ys) {
    int n = xs.size();
    if (n < 2 || ys.size() != n) {
      return Double.NaN;
    }
    double mx = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double my = ys.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (xs.get(i) - mx) * (ys.get(i) - my);
      sxx += (xs.get(i) - mx) * (xs.get(i) - mx);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }

  /** VmRSS of {@code pid} (a PID inside the sandbox), in KiB. */
  public static double rssKib(Sandbox s, long pid) {
    for (String line : s.readFile("/proc/" + pid + "/status").split("\n", -1)) {
      if (line.startsWith("VmRSS:")) {
        return Double.parseDouble(line.substring(6).strip().split("\\s+", -1)[0]);
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  /**
   * The daemon's heap in use right after a full GC, in KiB: {@code jcmd PID GC.run}, then the used
   * figure of {@code GC.heap_info} (SerialGC prints "def new generation total N, used U" and
   * "tenured generation total N, used U"; the sum of the used figures).
   */
  public static double heapAfterGcKib(Sandbox s, long pid) {
    s.exec(List.of("jcmd", Long.toString(pid), "GC.run")).requireSuccess();
    String info =
        s.exec(List.of("jcmd", Long.toString(pid), "GC.heap_info")).requireSuccess().stdout();
    double used = 0;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^\\s*(?:def new|tenured) generation\\s+total \\d+K, used (\\d+)K")
            .matcher(info);
    int found = 0;
    while (m.find()) {
      used += Double.parseDouble(m.group(1));
      found++;
    }
    if (found == 0) {
      throw new IllegalStateException("no heap figures in jcmd GC.heap_info: " + info);
    }
    return used;
  }
}
