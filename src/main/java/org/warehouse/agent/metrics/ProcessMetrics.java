package org.warehouse.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process metrics under the names Prometheus client libraries use: {@code
 * process_resident_memory_bytes} from /proc/self/status (the figure the daemon's memory budget is
 * about, which the JVM's own metrics do not give) and {@code process_cpu_seconds_total}. Two
 * Micrometer meters that {@code promtool check metrics} rejects (an abbreviated unit, a gauge named
 * _count) are renamed or replaced.
 */
final class ProcessMetrics {
  private static final Path STATUS = Path.of("/proc/self/status");
  // Held here: a function counter references its object weakly.
  private static final Object OS = ManagementFactory.getOperatingSystemMXBean();

  private ProcessMetrics() {}

  /** Filters to install before any binder registers its meters. */
  static void configure(MeterRegistry registry) {
    registry
        .config()
        // process_cpu_time_ns_total: replaced by process_cpu_seconds_total below.
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        // system_cpu_count: a gauge must not end in _count.
        .meterFilter(
            new MeterFilter() {
              @Override
              public io.micrometer.core.instrument.Meter.Id map(
                  io.micrometer.core.instrument.Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
  }

  static void bindTo(MeterRegistry registry) {
    if (Files.isReadable(STATUS)) {
      Gauge.builder("process_resident_memory_bytes", ProcessMetrics::residentBytes)
          .description("Resident set size of the agent's process")
          .register(registry);
    }
    if (OS instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process_cpu_seconds", os, o -> o.getProcessCpuTime() / 1e9)
          .description("CPU time used by the agent's process")
          .register(registry);
    }
  }

  static double residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).strip().split("\\s+", -1);
          return Long.parseLong(parts[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
