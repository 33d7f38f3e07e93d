package org.warehouse.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.warehouse.agent.rollout.HostState;
import org.warehouse.agent.rollout.RolloutState;
import org.warehouse.agent.rollout.RolloutView;
import org.warehouse.agent.rollout.RolloutView.HostView;

/** {@code agent rollout status} for people: a block per rollout, times by the database's clock. */
final class RolloutStatusText {
  private final PrintWriter out;
  private final Instant now;

  RolloutStatusText(PrintWriter out, Instant now) {
    this.out = out;
    this.now = now;
  }

  void print(String group, List<RolloutView> rollouts) {
    if (rollouts.isEmpty()) {
      out.println("group " + group + " has no rollouts yet (database time " + time(now) + ")");
      return;
    }
    out.println(
        "group "
            + group
            + ": "
            + rollouts.size()
            + " rollout(s), newest first; times by the database's clock, now "
            + time(now));
    for (RolloutView v : rollouts) {
      out.println();
      rollout(v);
    }
  }

  private void rollout(RolloutView v) {
    out.println(v.key().pkg() + " " + v.key().version() + "  " + headline(v));
    row(
        "rules",
        "canaries "
            + (v.canaryHosts().isEmpty()
                ? "the first " + v.canaryCount() + " to ask"
                : String.join(", ", v.canaryHosts()))
            + "; max_parallel "
            + v.maxParallel()
            + "; halt after "
            + v.haltAfter()
            + " failure(s), "
            + v.failures()
            + " so far; created "
            + time(v.created()));
    row("canaries", canaries(v));
    row("done", names(v, HostState.DONE));
    List<String> flight = new ArrayList<>();
    for (HostView h : v.hosts()) {
      if (h.state().holdsSlot()) {
        flight.add(
            h.host()
                + (h.canary() ? " (canary)" : "")
                + " "
                + h.state().word()
                + h.healthySince().map(t -> " healthy since " + time(t)).orElse("")
                + ", epoch "
                + h.epoch()
                + ", lease until "
                + time(h.leaseUntil())
                + " ("
                + left(h.leaseUntil())
                + ")");
      }
    }
    rows("in flight", flight);
    List<String> failed = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    for (HostView h : v.hosts()) {
      if (RolloutStatusJson.isFailure(h)) {
        failed.add(h.host() + ": " + h.reason());
      } else if (h.state() == HostState.EXPIRED || h.state() == HostState.RELEASED) {
        ended.add(h.host() + " " + h.state().word() + ": " + h.reason());
      }
    }
    rows("failed", failed);
    rows("ended", ended);
    row("waiting", v.waiting().isEmpty() ? "none" : String.join(", ", v.waiting()));
    if (v.state() == RolloutState.HALTED) {
      row(
          "resume",
          "agent rollout resume "
              + v.key().version()
              + " (failures reset), or publish a newer version");
    }
    out.println("  events (the last " + v.events().size() + "):");
    for (RolloutView.EventView e : v.events()) {
      out.println(
          "    "
              + time(e.at())
              + "  "
              + e.kind()
              + "  "
              + e.host().map(h -> h + ": ").orElse("")
              + e.detail());
    }
  }

  private static String headline(RolloutView v) {
    return switch (v.state()) {
      case CANARY ->
          "CANARY: canaries first, the rest wait until they have been healthy long enough";
      case ROLLING -> "ROLLING: every host may be admitted, " + v.maxParallel() + " at a time";
      case HALTED -> "HALTED: " + v.haltedReason();
    };
  }

  private static String canaries(RolloutView v) {
    List<String> each = new ArrayList<>();
    for (RolloutStatusJson.Canary c : RolloutStatusJson.canaries(v)) {
      each.add(c.host() + " " + c.state());
    }
    if (v.canaryHosts().isEmpty() && each.size() < v.canaryCount()) {
      each.add(each.size() + " of " + v.canaryCount() + " chosen so far");
    }
    return String.join(", ", each);
  }

  private static String names(RolloutView v, HostState state) {
    List<String> names = new ArrayList<>();
    for (HostView h : v.hosts()) {
      if (h.state() == state) {
        names.add(h.host());
      }
    }
    return names.isEmpty() ? "none" : names.size() + ": " + String.join(", ", names);
  }

  private void row(String label, String value) {
    out.printf("  %-10s %s%n", label, value.isEmpty() ? "none" : value);
  }

  private void rows(String label, List<String> values) {
    if (values.isEmpty()) {
      row(label, "none");
    }
    for (int i = 0; i < values.size(); i++) {
      row(i == 0 ? label : "", values.get(i));
    }
  }

  private String left(Instant until) {
    Duration d = Duration.between(now, until);
    if (d.isNegative()) {
      return "ran out " + human(d.negated()) + " ago";
    }
    return human(d) + " left";
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
