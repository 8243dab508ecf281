package dev.homefleet.controller.jobs;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.RiseFall;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Runs every service's check, on every machine at once, and debounces each service's results with its own
 * {@link RiseFall} (its check's {@code fall} and {@code rise}): {@code service.down} after {@code fall} failures
 * in a row, {@code service.up} after {@code rise} successes. A machine that cannot be reached costs only its own
 * deadline (its slowest check's timeout plus {@link #SLACK}); its services keep their last state, and the failure
 * counts towards machine.down instead, so one unreachable machine is one alert, not one per service.
 */
public final class ChecksJob implements Supplier<JobResult> {
    static final Duration SLACK = Duration.ofSeconds(5);

    /** Runs one machine's checks where they have to run (in process, through its agent, over SSH). */
    @FunctionalInterface
    public interface CheckSite {
        /** @throws IOException when the machine cannot be reached at all */
        Checked run(MachineSpec machine, Map<String, CheckSpec> checks) throws IOException;
    }

    /** @param results by service name; a service missing here was not checked */
    public record Checked(String via, Map<String, ProbeResult> results) {}

    /** Told about services going down and coming back (the healer, the restart budget). */
    public interface Listener {
        default void serviceDown(String machine, String service) {}

        default void serviceUp(String machine, String service) {}
    }

    private record Tracked(CheckSpec spec, RiseFall riseFall) {}

    private final Supplier<FleetConfig> config;
    private final CheckSite site;
    private final MachineReachability reachability;
    private final EventBus events;
    private final StateHolder state;
    private final ExecutorService pool;
    private final Listener listener;
    private final Predicate<String> gaveUp;
    private final ToIntFunction<String> restarts;
    private final Clock clock;
    private final Duration slack;
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    /**
     * @param gaveUp   whether the healer gave up on "machine/service"
     * @param restarts the healer's restarts of "machine/service" inside its budget window
     */
    public ChecksJob(Supplier<FleetConfig> config, CheckSite site, MachineReachability reachability, EventBus events,
            StateHolder state, ExecutorService pool, Listener listener, Predicate<String> gaveUp,
            ToIntFunction<String> restarts, Clock clock) {
        this(config, site, reachability, events, state, pool, listener, gaveUp, restarts, clock, SLACK);
    }

    /** @param slack how much longer than its slowest check's timeout a machine's checks may take */
    ChecksJob(Supplier<FleetConfig> config, CheckSite site, MachineReachability reachability, EventBus events,
            StateHolder state, ExecutorService pool, Listener listener, Predicate<String> gaveUp,
            ToIntFunction<String> restarts, Clock clock, Duration slack) {
        this.config = config;
        this.site = site;
        this.reachability = reachability;
        this.events = events;
        this.state = state;
        this.pool = pool;
        this.listener = listener;
        this.gaveUp = gaveUp;
        this.restarts = restarts;
        this.clock = clock;
        this.slack = slack;
    }

    /**
     * Starts from what a previous controller last said about each service ("machine/service" -> DOWN or UP), so a
     * restart neither announces an outage again nor misses a recovery: a service last known down is down until
     * {@code rise} checks pass, and then {@code service.up} is published. Gave-up counts as down; a service no
     * longer in fleet.yaml is left out.
     */
    public void resume(Map<String, Health> lastKnown) {
        FleetConfig fleet = config.get();
        Instant now = clock.instant();
        lastKnown.forEach((key, health) -> {
            int slash = key.indexOf('/');
            MachineSpec machine = slash < 0 ? null : fleet.machines().get(key.substring(0, slash));
            CheckSpec spec = machine == null ? null : checks(machine).get(key.substring(slash + 1));
            if (spec == null || (health != Health.DOWN && health != Health.GAVE_UP)) {
                return;
            }
            tracked.put(key, new Tracked(spec, RiseFall.restore(spec.fall(), spec.rise(), RiseFall.State.DOWN,
                    spec.fall(), 0)));
            String service = key.substring(slash + 1);
            ServiceStatus status = new ServiceStatus(machine.name(), service,
                    gaveUp.test(key) ? Health.GAVE_UP : Health.DOWN, now, null, "down when the controller last ran",
                    null, spec.fall(), 0, restarts.applyAsInt(key), null);
            state.update(s -> {
                MachineStatus m = s.machines().get(machine.name());
                if (m == null) {
                    m = new MachineStatus(machine.name(), Health.UNKNOWN, null, null, null, null, null, Map.of());
                }
                return s.withMachine(m.withService(status));
            });
        });
    }

    @Override
    public JobResult get() {
        FleetConfig fleet = config.get();
        forgetRemoved(fleet);
        Map<String, CompletableFuture<Checked>> runs = new LinkedHashMap<>();
        Map<String, Duration> deadlines = new LinkedHashMap<>();
        for (MachineSpec machine : fleet.machines().values()) {
            Map<String, CheckSpec> checks = checks(machine);
            if (checks.isEmpty() || !HeartbeatJob.watched(machine)) {
                continue;
            }
            Duration slowest = checks.values().stream().map(CheckSpec::timeout).max(Duration::compareTo).orElseThrow();
            deadlines.put(machine.name(), slowest.plus(slack));
            runs.put(machine.name(), CompletableFuture.supplyAsync(() -> {
                try {
                    return site.run(machine, checks);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, pool));
        }
        int up = 0;
        int down = 0;
        List<String> unreached = new ArrayList<>();
        long start = System.nanoTime();
        for (Map.Entry<String, CompletableFuture<Checked>> run : runs.entrySet()) {
            String machine = run.getKey();
            long left = deadlines.get(machine).toNanos() - (System.nanoTime() - start);
            Checked checked;
            try {
                checked = run.getValue().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                run.getValue().cancel(true);
                unreached.add(machine);
                reachability.failed(machine, "its checks did not finish within "
                        + Durations.format(deadlines.get(machine)), clock.instant());
                continue;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                unreached.add(machine);
                reachability.failed(machine, cause.getMessage() == null ? cause.toString() : cause.getMessage(),
                        clock.instant());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return JobResult.failed("interrupted");
            }
            reachability.reached(machine, checked.via(), clock.instant(), null);
            MachineSpec spec = fleet.machines().get(machine);
            for (Map.Entry<String, CheckSpec> check : checks(spec).entrySet()) {
                ProbeResult result = checked.results().get(check.getKey());
                if (result == null) {
                    continue;
                }
                Health health = record(machine, check.getKey(), check.getValue(), result);
                if (health == Health.DOWN || health == Health.GAVE_UP) {
                    down++;
                } else if (health == Health.UP || health == Health.DEGRADED) {
                    up++;
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("up", up);
        details.put("down", down);
        details.put("unreached", unreached);
        return JobResult.ok(up + " up, " + down + " down" + (unreached.isEmpty() ? ""
                : "; not reached: " + String.join(", ", unreached)), details);
    }

    /** The debounced health of one service after one more result. */
    private Health record(String machine, String service, CheckSpec spec, ProbeResult result) {
        String key = machine + "/" + service;
        Tracked t = tracked.compute(key, (k, old) -> old != null && old.spec().equals(spec) ? old
                : new Tracked(spec, new RiseFall(spec.fall(), spec.rise())));
        RiseFall.Transition transition;
        synchronized (t) {
            transition = t.riseFall().record(result.ok());
        }
        Instant now = clock.instant();
        Health health = switch (t.riseFall().state()) {
            case UP -> t.riseFall().failures() > 0 ? Health.DEGRADED : Health.UP;
            case DOWN -> gaveUp.test(key) ? Health.GAVE_UP : Health.DOWN;
            case UNKNOWN -> Health.UNKNOWN;
        };
        MachineStatus machineStatus = state.get().machines().get(machine);
        ServiceStatus before = machineStatus == null ? null : machineStatus.services().get(service);
        Instant since = before != null && sameSide(before.health(), health) ? before.since() : now;
        ServiceStatus after = new ServiceStatus(machine, service, health, since, result.at(), result.detail(),
                result.latency() == null ? null : result.latency().toMillis(), t.riseFall().failures(),
                t.riseFall().successes(), restarts.applyAsInt(key), before == null ? null : before.lastRestart());
        state.update(s -> {
            MachineStatus m = s.machines().get(machine);
            if (m == null) {
                m = new MachineStatus(machine, Health.UNKNOWN, null, null, null, null, null, Map.of());
            }
            return s.withMachine(m.withService(after));
        });
        if (transition == RiseFall.Transition.WENT_DOWN) {
            events.publish(FleetEvent.of(EventType.SERVICE_DOWN).at(now).service(machine, service)
                    .message(key + " is down: " + result.detail() + " (" + spec.fall() + " failed checks in a row)")
                    .data("detail", result.detail()).data("fall", spec.fall()).build());
            listener.serviceDown(machine, service);
        } else if (transition == RiseFall.Transition.WENT_UP) {
            boolean wasDown = before != null && (before.health() == Health.DOWN || before.health() == Health.GAVE_UP);
            if (wasDown) {
                Duration outage = Duration.between(before.since(), now);
                events.publish(FleetEvent.of(EventType.SERVICE_UP).at(now).service(machine, service)
                        .message(key + " is up again after " + outage.toSeconds() + "s down: " + result.detail())
                        .data("down_since", before.since()).data("outage_s", outage.toSeconds()).build());
            }
            listener.serviceUp(machine, service);
        }
        return health;
    }

    /** Up and degraded are one side (no new "since" between them), down and gave-up the other. */
    private static boolean sameSide(Health a, Health b) {
        return side(a) == side(b);
    }

    private static int side(Health h) {
        return switch (h) {
            case UP, DEGRADED -> 1;
            case DOWN, GAVE_UP -> 2;
            case UNKNOWN -> 0;
        };
    }

    private void forgetRemoved(FleetConfig fleet) {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        fleet.machines().values().forEach(m -> checks(m).keySet().forEach(s -> keys.add(m.name() + "/" + s)));
        tracked.keySet().retainAll(keys);
        state.update(s -> s.withMachines(machines -> {
            machines.keySet().retainAll(fleet.machines().keySet());
            machines.replaceAll((name, m) -> {
                Map<String, ServiceStatus> services = new LinkedHashMap<>(m.services());
                services.keySet().removeIf(service -> !keys.contains(name + "/" + service));
                return new MachineStatus(m.name(), m.health(), m.since(), m.via(), m.lastHeartbeat(), m.metrics(),
                        m.error(), services);
            });
            return machines;
        }));
    }

    /** The services of {@code machine} that have a check, in fleet.yaml's order. */
    static Map<String, CheckSpec> checks(MachineSpec machine) {
        Map<String, CheckSpec> checks = new LinkedHashMap<>();
        for (ServiceSpec service : machine.services().values()) {
            if (service.check() != null) {
                checks.put(service.name(), service.check());
            }
        }
        return checks;
    }
}
