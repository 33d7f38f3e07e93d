package org.warehouse.agent.metrics;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.resource.ResourceId;

/**
 * {@code warehouse_agent_package_info{package,installed,candidate}}, derived from the package
 * resources' reports: installed is the version after the step (before it, in why-run); candidate is
 * the version the agent would install, which is the after of a why-run report, or the installed
 * version when the step found nothing newer (or installed it). A failed step says neither, so the
 * previous sample stays.
 */
final class PackageInfo {
  private final Info info;
  // package -> {installed, candidate} of its one package_info series.
  private final Map<String, List<String>> versions = new HashMap<>();

  PackageInfo(PrometheusRegistry registry) {
    info =
        Info.builder()
            .name(AgentMetrics.PREFIX + "package_info")
            .help("Installed and candidate version of each managed package")
            .labelNames("package", "installed", "candidate")
            .register(registry);
  }

  /** Updates the series of every package {@code report} converged or checked. */
  void record(RunReport report) {
    for (ResourceReport r : report.resources()) {
      if (r.id().is(ResourceId.PACKAGE)) {
        record(r.id().name(), r, report.whyRun());
      }
    }
  }

  private synchronized void record(String name, ResourceReport r, boolean whyRun) {
    String installed;
    String candidate;
    switch (r.status()) {
      case UNCHANGED, CHANGED -> {
        installed = r.after();
        candidate = r.after();
      }
      case WOULD_CHANGE -> {
        installed = r.before();
        candidate = r.after();
      }
      default -> {
        return;
      }
    }
    if (installed.isEmpty() || (whyRun && "dpkg interrupted".equals(installed))) {
      return;
    }
    List<String> old = versions.put(name, List.of(installed, candidate));
    if (old != null) {
      info.remove(name, old.get(0), old.get(1));
    }
    info.addLabelValues(name, installed, candidate);
  }
}
