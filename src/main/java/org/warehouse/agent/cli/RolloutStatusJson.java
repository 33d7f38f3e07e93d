package org.warehouse.agent.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.rollout.HostState;
import org.warehouse.agent.rollout.RolloutView;
import org.warehouse.agent.rollout.RolloutView.HostView;

/** {@code agent rollout status --json}: the rollouts as a tree for {@code JsonTree}. */
final class RolloutStatusJson {
  private RolloutStatusJson() {}

  /** A canary and where it is: a host state, "waiting", or "not yet asked". */
  record Canary(String host, String state) {}

  static Map<String, Object> document(String group, Instant now, List<RolloutView> rollouts) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("group", group);
    doc.put("database_time", now);
    List<Object> list = new ArrayList<>();
    for (RolloutView v : rollouts) {
      list.add(rollout(v, now));
    }
    doc.put("rollouts", list);
    return doc;
  }

  private static Map<String, Object> rollout(RolloutView v, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("package", v.key().pkg());
    m.put("version", v.key().version());
    m.put("state", v.state().word());
    m.put("halted_reason", v.haltedReason().isEmpty() ? null : v.haltedReason());
    m.put("failures", v.failures());
    m.put("halt_after_failures", v.haltAfter());
    m.put("max_parallel", v.maxParallel());
    m.put("created", v.created());
    Map<String, Object> canaries = new LinkedHashMap<>();
    canaries.put("named", v.canaryHosts().isEmpty() ? null : v.canaryHosts());
    canaries.put("count", v.canaryHosts().isEmpty() ? v.canaryCount() : v.canaryHosts().size());
    List<Object> hosts = new ArrayList<>();
    for (Canary c : canaries(v)) {
      hosts.add(Map.of("host", c.host(), "state", c.state()));
    }
    canaries.put("hosts", hosts);
    m.put("canaries", canaries);
    List<Object> done = new ArrayList<>();
    List<Object> inFlight = new ArrayList<>();
    List<Object> failed = new ArrayList<>();
    List<Object> ended = new ArrayList<>();
    for (HostView h : v.hosts()) {
      if (h.state() == HostState.DONE) {
        done.add(h.host());
      } else if (h.state().holdsSlot()) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", h.host());
        f.put("canary", h.canary());
        f.put("state", h.state().word());
        f.put("epoch", h.epoch());
        f.put("lease_until", h.leaseUntil());
        f.put("lease_seconds_left", Duration.between(now, h.leaseUntil()).toSeconds());
        f.put("healthy_since", h.healthySince().orElse(null));
        inFlight.add(f);
      } else {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", h.host());
        f.put("state", h.state().word());
        f.put("reason", h.reason());
        (isFailure(h) ? failed : ended).add(f);
      }
    }
    m.put("done", done);
    m.put("in_flight", inFlight);
    m.put("failed", failed);
    m.put("ended", ended);
    m.put("waiting", v.waiting());
    List<Object> events = new ArrayList<>();
    for (RolloutView.EventView e : v.events()) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("at", e.at());
      ev.put("host", e.host().orElse(null));
      ev.put("kind", e.kind());
      ev.put("detail", e.detail());
      events.add(ev);
    }
    m.put("events", events);
    return m;
  }

  /** A failure counted against the rollout: rolled back, or a lease out before a healthy report. */
  static boolean isFailure(HostView h) {
    return h.state() == HostState.FAILED
        || (h.state() == HostState.EXPIRED && h.healthySince().isEmpty());
  }

  /** The named canaries, each where it is; else the hosts admitted as canaries. */
  static List<Canary> canaries(RolloutView v) {
    List<Canary> out = new ArrayList<>();
    if (v.canaryHosts().isEmpty()) {
      for (HostView h : v.hosts()) {
        if (h.canary()) {
          out.add(new Canary(h.host(), h.state().word()));
        }
      }
      return out;
    }
    for (String name : v.canaryHosts()) {
      String state = v.waiting().contains(name) ? "waiting" : "not yet asked";
      for (HostView h : v.hosts()) {
        if (h.host().equals(name)) {
          state = h.state().word();
        }
      }
      out.add(new Canary(name, state));
    }
    return out;
  }
}
