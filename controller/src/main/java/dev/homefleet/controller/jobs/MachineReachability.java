package dev.homefleet.controller.jobs;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether each machine answers, from every attempt to reach it (heartbeats and check runs). A machine is up as soon
 * as it answers and down after {@link #FALL} failed attempts in a row, so one dropped packet is not an outage;
 * {@code machine.up} / {@code machine.down} are published on the change.
 */
public final class MachineReachability {
    static final int FALL = 2;

    private final EventBus events;
    private final StateHolder state;
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    public MachineReachability(EventBus events, StateHolder state) {
        this.events = events;
        this.state = state;
    }

    /** The machine answered; {@code metrics} is non-null when this was a heartbeat. */
    public synchronized void reached(String machine, String via, Instant at, MachineMetrics metrics) {
        failures.put(machine, 0);
        MachineStatus before = status(machine);
        boolean wasDown = before.health() == Health.DOWN;
        Instant since = before.health() == Health.UP ? before.since() : at;
        MachineStatus after = new MachineStatus(machine, Health.UP, since, via,
                metrics != null ? at : before.lastHeartbeat(), metrics != null ? metrics : before.metrics(), null,
                before.services());
        state.update(s -> s.withMachine(merge(s.machines().get(machine), after)));
        if (wasDown) {
            events.publish(FleetEvent.of(EventType.MACHINE_UP).at(at).machine(machine)
                    .message(machine + " answers again (via " + via + ") after being down since " + before.since())
                    .data("down_since", before.since()).build());
        }
    }

    /** Every way to reach the machine failed; {@code error} says how. */
    public synchronized void failed(String machine, String error, Instant at) {
        int count = failures.merge(machine, 1, Integer::sum);
        MachineStatus before = status(machine);
        boolean goesDown = count >= FALL && before.health() != Health.DOWN;
        Health health = goesDown || before.health() == Health.DOWN ? Health.DOWN : before.health();
        Instant since = goesDown ? at : before.since();
        MachineStatus after = new MachineStatus(machine, health, since, before.via(), before.lastHeartbeat(),
                before.metrics(), error, before.services());
        state.update(s -> s.withMachine(merge(s.machines().get(machine), after)));
        if (goesDown) {
            events.publish(FleetEvent.of(EventType.MACHINE_DOWN).at(at).machine(machine)
                    .message(machine + " does not answer: " + error).data("failed_attempts", count).build());
        }
    }

    private MachineStatus status(String machine) {
        MachineStatus known = state.get().machines().get(machine);
        return known != null ? known
                : new MachineStatus(machine, Health.UNKNOWN, null, null, null, null, null, Map.of());
    }

    /** Keeps the services a concurrent check run may have written since {@code after} was read. */
    private static MachineStatus merge(MachineStatus current, MachineStatus after) {
        if (current == null) {
            return after;
        }
        return new MachineStatus(after.name(), after.health(), after.since(), after.via(), after.lastHeartbeat(),
                after.metrics(), after.error(), current.services());
    }
}
