package org.warehouse.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.warehouse.agent.rollout.RolloutGate;
import org.warehouse.agent.rollout.RolloutHealth;
import org.warehouse.agent.rollout.RolloutRegistry;
import org.warehouse.agent.rollout.Slot;

/**
 * {@code warehouse_agent_rollout_*}: this host's side of a fleet rollout, read from the process's
 * rollout gate at each scrape. {@link AgentMetrics} registers it only while agent.yml has a {@code
 * rollout:} section, so that an agent without one loads no rollout class; before the daemon's first
 * rollout beat has made the gate there is nothing to report, and no series.
 */
final class RolloutMetrics implements MultiCollector {
  private static final String P = AgentMetrics.PREFIX + "rollout_";
  private static final List<String> STATES = List.of("waiting", "admitted", "halted");

  private final Supplier<Optional<RolloutGate>> gate;

  RolloutMetrics(Supplier<Optional<RolloutGate>> gate) {
    this.gate = gate;
  }

  /** The collector of this process's gate ({@link RolloutRegistry#current()}). */
  static RolloutMetrics ofThisProcess() {
    return new RolloutMetrics(RolloutRegistry::current);
  }

  @Override
  public MetricSnapshots collect() {
    Optional<RolloutGate> g = gate.get();
    if (g.isEmpty()) {
      return MetricSnapshots.of();
    }
    RolloutHealth h = g.get().health();
    GaugeSnapshot.Builder state =
        GaugeSnapshot.builder()
            .name(P + "state")
            .help(
                "1 for the answer this host last had from its rollout: waiting, admitted, halted");
    for (String s : STATES) {
      state.dataPoint(point(s.equals(h.lastAnswer()) ? 1 : 0, Labels.of("state", s)));
    }
    Optional<Slot> slot = g.get().slot();
    Labels held =
        slot.map(
                s ->
                    Labels.of(
                        "group",
                        s.key().group(),
                        "package",
                        s.key().pkg(),
                        "version",
                        s.key().version()))
            .orElse(Labels.EMPTY);
    return MetricSnapshots.of(
        gauge(
            "database_reachable",
            "1 when the last call to the rollout database succeeded, 0 when it failed",
            h.reachable() ? 1 : 0),
        gauge(
            "database_last_contact_timestamp_seconds",
            "When a call to the rollout database last succeeded, Unix time; 0 before the first",
            h.lastContact().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0)),
        counter(
            "database_errors",
            "Calls to the rollout database that failed (unreachable, timed out, refused)",
            h.databaseErrors()),
        counter(
            "slots_lost",
            "Rollout slots this host lost before it finished: lease expired, superseded or halted",
            h.lostSlots()),
        GaugeSnapshot.builder()
            .name(P + "slot_held")
            .help("1 while this host holds a rollout slot (labelled with its version), else 0")
            .dataPoint(point(slot.isPresent() ? 1 : 0, held))
            .build(),
        state.build());
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(P + name)
        .help(help)
        .dataPoint(point(value, Labels.EMPTY))
        .build();
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(double value, Labels labels) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static CounterSnapshot counter(String name, String help, long value) {
    return CounterSnapshot.builder()
        .name(P + name)
        .help(help)
        .dataPoint(
            CounterSnapshot.CounterDataPointSnapshot.builder()
                .value((double) value)
                .labels(Labels.EMPTY)
                .build())
        .build();
  }
}
