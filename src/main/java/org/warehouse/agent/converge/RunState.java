package org.warehouse.agent.converge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;

/** The mutable state of one run: its reports, what changed, what was undone, why it failed. */
final class RunState {
  final Plan plan;
  final boolean apply;
  final List<ResourceReport> reports = new ArrayList<>();
  final List<ResourceReport> notes = new ArrayList<>();
  final Set<ResourceId> changed = new LinkedHashSet<>();
  final Set<ResourceId> rolledBack = new LinkedHashSet<>();
  // Refreshables whose state before the run was already bad: their failures are not ours.
  final Map<ResourceId, String> badBefore = new HashMap<>();
  // Refreshables restarted in this run, and on which changes.
  final Map<ResourceId, List<ResourceId>> refreshedOn = new HashMap<>();
  final List<String> rollbackErrors = new ArrayList<>();
  String firstError;
  boolean baselined;

  RunState(Plan plan, boolean apply) {
    this.plan = plan;
    this.apply = apply;
  }

  /** Sources of {@code r} changed in this run and not undone since. */
  List<ResourceId> triggers(Resource r) {
    Set<ResourceId> sources = plan.subscriptions().getOrDefault(r.id(), Set.of());
    List<ResourceId> out = new ArrayList<>();
    for (ResourceId id : changed) {
      if (sources.contains(id) && !rolledBack.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  Resource find(ResourceId id) {
    return plan.resources().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  ResourceReport findReport(ResourceId id) {
    return reports.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  /** The run's error: what rollback decided first (it says the most), then the first failure. */
  String error() {
    List<String> all = new ArrayList<>(rollbackErrors);
    if (firstError != null) {
      all.add(firstError);
    }
    return all.isEmpty() ? null : String.join(" | ", all);
  }

  static String joined(List<ResourceId> ids, String separator) {
    List<String> texts = new ArrayList<>(ids.size());
    for (ResourceId id : ids) {
      texts.add(id.toString());
    }
    return String.join(separator, texts);
  }
}
