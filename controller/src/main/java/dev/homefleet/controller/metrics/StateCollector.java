package dev.homefleet.controller.metrics;

import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.agent.failover.FailoverState;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.CheckinStatus;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gauges read from the current {@link FleetState} at scrape time: nothing to keep in step with the state, and a
 * machine or service removed from fleet.yaml disappears from the next scrape by itself.
 */
final class StateCollector implements MultiCollector {

    private final Supplier<FleetState> state;
    private final LongSupplier outboxDepth;
    private final Clock clock;

    StateCollector(Supplier<FleetState> state, LongSupplier outboxDepth, Clock clock) {
        this.state = state;
        this.outboxDepth = outboxDepth;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        FleetState now = state.get();
        Instant at = clock.instant();
        GaugeSnapshot.Builder machineUp = gauge("homefleet_machine_up",
                "1 when the machine answers (up or degraded), 0 when it is down or not reached yet");
        GaugeSnapshot.Builder serviceUp = gauge("homefleet_service_up",
                "1 when the service's check passes (up or degraded), 0 when it is down, given up on or not checked yet");
        GaugeSnapshot.Builder latency = gauge("homefleet_service_probe_latency_seconds",
                "How long the service's last check took to answer");
        GaugeSnapshot.Builder windowRestarts = gauge("homefleet_service_restarts_in_window",
                "Restarts by the healer inside its budget window (jobs.healer.budget_window)");
        for (MachineStatus machine : now.machines().values()) {
            machineUp.dataPoint(point(up(machine.health()), "machine", machine.name()));
            for (ServiceStatus service : machine.services().values()) {
                String[] labels = {"machine", machine.name(), "service", service.name()};
                serviceUp.dataPoint(point(up(service.health()), labels));
                if (service.latencyMillis() != null) {
                    latency.dataPoint(point(service.latencyMillis() / 1000.0, labels));
                }
                windowRestarts.dataPoint(point(service.restarts(), labels));
            }
        }
        return MetricSnapshots.of(machineUp.build(), serviceUp.build(), latency.build(), windowRestarts.build(),
                checkins(now.checkins(), at), failover(now.failover()),
                gauge("homefleet_alert_outbox_depth", "Alerts waiting to be sent (Telegram unreachable or rate limited)")
                        .dataPoint(GaugeDataPointSnapshot.builder().value(outboxDepth.getAsLong()).build()).build());
    }

    private static GaugeSnapshot checkins(Map<String, CheckinStatus> checkins, Instant at) {
        GaugeSnapshot.Builder lateness = gauge("homefleet_checkin_lateness_seconds",
                "How long past its due time a check-in's report is; 0 while on time or paused");
        for (CheckinStatus checkin : checkins.values()) {
            double late = checkin.dueAt() == null || "paused".equals(checkin.state()) ? 0
                    : Math.max(0, Duration.between(checkin.dueAt(), at).toMillis() / 1000.0);
            lateness.dataPoint(point(late, "checkin", checkin.name(), "machine",
                    checkin.machine() == null ? "" : checkin.machine()));
        }
        return lateness.build();
    }

    private static GaugeSnapshot failover(Map<String, FailoverEvent> failovers) {
        GaugeSnapshot.Builder states = gauge("homefleet_failover_state",
                "1 for the state each failover last reported, 0 for the others");
        failovers.forEach((name, last) -> {
            for (FailoverState state : FailoverState.values()) {
                states.dataPoint(point(state == last.to() ? 1 : 0, "failover", name, "state", state.wire()));
            }
        });
        return states.build();
    }

    private static double up(Health health) {
        return health == Health.UP || health == Health.DEGRADED ? 1 : 0;
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().labels(Labels.of(labels)).value(value).build();
    }
}
