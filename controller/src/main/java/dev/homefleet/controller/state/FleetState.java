package dev.homefleet.controller.state;

import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The current status of the whole fleet as one immutable value. The controller builds a new one for every change
 * and swaps it in ({@link StateHolder}); the CLI, the API and the dashboard only ever read a whole snapshot.
 */
public record FleetState(
        Instant at,
        ConfigStatus config,
        Map<String, MachineStatus> machines,
        Map<String, JobStatus> jobs,
        Map<String, CheckinStatus> checkins,
        List<String> conflicts,
        Map<String, FailoverEvent> failover) {

    public FleetState {
        machines = copy(machines);
        jobs = copy(jobs);
        checkins = copy(checkins);
        conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
        failover = copy(failover);
    }

    /** A snapshot without failover news yet. */
    public FleetState(Instant at, ConfigStatus config, Map<String, MachineStatus> machines, Map<String, JobStatus> jobs,
            Map<String, CheckinStatus> checkins, List<String> conflicts) {
        this(at, config, machines, jobs, checkins, conflicts, Map.of());
    }

    public static FleetState empty(ConfigStatus config) {
        return new FleetState(Instant.now(), config, Map.of(), Map.of(), Map.of(), List.of(), Map.of());
    }

    /**
     * @param path        the fleet.yaml in force
     * @param loadedAt    when it was loaded
     * @param matchesDisk false when the file on disk was edited into something invalid and the last good one runs
     * @param rejected    the file's problems ("12:5 machines.x.port: ...") when it does not match the disk
     */
    public record ConfigStatus(String path, Instant loadedAt, boolean matchesDisk, List<String> rejected) {
        public ConfigStatus {
            rejected = rejected == null ? List.of() : List.copyOf(rejected);
        }
    }

    /**
     * @param via           how it was last reached (agent, ssh, local), or null
     * @param lastHeartbeat when its metrics were last collected
     * @param error         why it did not answer, when down
     */
    public record MachineStatus(
            String name,
            Health health,
            Instant since,
            String via,
            Instant lastHeartbeat,
            MachineMetrics metrics,
            String error,
            Map<String, ServiceStatus> services) {
        public MachineStatus {
            services = copy(services);
        }

        public MachineStatus withService(ServiceStatus service) {
            Map<String, ServiceStatus> next = new LinkedHashMap<>(services);
            next.put(service.name(), service);
            return new MachineStatus(name, health, since, via, lastHeartbeat, metrics, error, next);
        }
    }

    /**
     * @param detail        the last check's result in words ("connection refused", "200 in 12 ms")
     * @param failures      failed checks in a row
     * @param successes     passed checks in a row
     * @param restarts      restarts by the healer inside the budget window
     * @param lastRestart   when the healer last restarted it
     */
    public record ServiceStatus(
            String machine,
            String name,
            Health health,
            Instant since,
            Instant lastCheck,
            String detail,
            Long latencyMillis,
            int failures,
            int successes,
            int restarts,
            Instant lastRestart) {}

    /**
     * @param outcome "ok", "failed", "abandoned" (cut off at shutdown), "running", or null before the first run
     */
    public record JobStatus(String name, String schedule, Instant lastStart, Instant lastEnd, String outcome,
            String summary, Instant nextFire) {}

    /**
     * @param state new (never reported), up, late, down, paused
     */
    public record CheckinStatus(String name, String machine, String state, Instant since, Instant lastReport,
            String lastStatus, String lastMessage, Instant dueAt) {}

    public FleetState withMachine(MachineStatus machine) {
        Map<String, MachineStatus> next = new LinkedHashMap<>(machines);
        next.put(machine.name(), machine);
        return new FleetState(Instant.now(), config, next, jobs, checkins, conflicts, failover);
    }

    public FleetState withMachines(UnaryOperator<Map<String, MachineStatus>> change) {
        return new FleetState(Instant.now(), config, change.apply(new LinkedHashMap<>(machines)), jobs, checkins,
                conflicts, failover);
    }

    public FleetState withJob(JobStatus job) {
        Map<String, JobStatus> next = new LinkedHashMap<>(jobs);
        next.put(job.name(), job);
        return new FleetState(Instant.now(), config, machines, next, checkins, conflicts, failover);
    }

    public FleetState withCheckins(Map<String, CheckinStatus> next) {
        return new FleetState(Instant.now(), config, machines, jobs, next, conflicts, failover);
    }

    public FleetState withConfig(ConfigStatus next) {
        return new FleetState(Instant.now(), next, machines, jobs, checkins, conflicts, failover);
    }

    /** The last transition each standby reported, by failover name. */
    public FleetState withFailover(Map<String, FailoverEvent> next) {
        return new FleetState(Instant.now(), config, machines, jobs, checkins, conflicts, next);
    }

    public FleetState withConflicts(List<String> next) {
        return new FleetState(Instant.now(), config, machines, jobs, checkins, next, failover);
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
