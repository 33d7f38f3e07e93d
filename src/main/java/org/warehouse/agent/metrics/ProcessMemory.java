package org.warehouse.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory from /proc/self/status, as {@code process_resident_memory_bytes}
 * (the name Prometheus client libraries use): the figure the daemon's memory budget is about, which
 * the JVM's own metrics do not give.
 */
final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  static void bindTo(MeterRegistry registry) {
    if (!Files.isReadable(STATUS)) {
      return;
    }
    Gauge.builder("process_resident_memory_bytes", ProcessMemory::residentBytes)
        .description("Resident set size of the agent's process")
        .register(registry);
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
