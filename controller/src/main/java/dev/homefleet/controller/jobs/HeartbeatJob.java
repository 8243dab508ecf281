package dev.homefleet.controller.jobs;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.reach.Reached;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetJson;
import dev.homefleet.core.config.JobsSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The heartbeat: every machine's metrics (its agent, else one command sweep over SSH or locally), stored as
 * samples; a machine that does not answer counts towards machine.down; memory, swap and disk over the thresholds
 * raise one resource.warning when they cross (not on every run while they stay over); the snapshot is written as
 * JSON where {@code write_json} says (Crabwalk's heartbeat modal reads it).
 */
public final class HeartbeatJob implements Supplier<JobResult> {
    /** A backstop: the agent and the SSH sweep have timeouts of their own, well inside it. */
    static final Duration BEAT_TIMEOUT = Duration.ofMinutes(2);

    /** Where metrics come from; {@link dev.homefleet.controller.reach.FleetReach#metrics} in the daemon. */
    @FunctionalInterface
    public interface MetricsSource {
        Reached<MachineMetrics> metrics(String machine) throws IOException;
    }

    /** Where samples go (the store). */
    @FunctionalInterface
    public interface SampleSink {
        void sample(String machine, Instant at, MachineMetrics metrics);
    }

    private final Supplier<FleetConfig> config;
    private final MetricsSource source;
    private final SampleSink samples;
    private final MachineReachability reachability;
    private final EventBus events;
    private final StateHolder state;
    private final ExecutorService pool;
    private final Path home;
    private final Clock clock;
    private final Duration beatTimeout;
    private final Set<String> over = ConcurrentHashMap.newKeySet();

    /** What one machine's beat found. */
    private record Beat(boolean answered, String warning) {}

    public HeartbeatJob(Supplier<FleetConfig> config, MetricsSource source, SampleSink samples,
            MachineReachability reachability, EventBus events, StateHolder state, ExecutorService pool, Path home,
            Clock clock) {
        this(config, source, samples, reachability, events, state, pool, home, clock, BEAT_TIMEOUT);
    }

    /** @param beatTimeout how long all machines together may take to answer */
    HeartbeatJob(Supplier<FleetConfig> config, MetricsSource source, SampleSink samples,
            MachineReachability reachability, EventBus events, StateHolder state, ExecutorService pool, Path home,
            Clock clock, Duration beatTimeout) {
        this.config = config;
        this.source = source;
        this.samples = samples;
        this.reachability = reachability;
        this.events = events;
        this.state = state;
        this.pool = pool;
        this.home = home;
        this.clock = clock;
        this.beatTimeout = beatTimeout;
    }

    @Override
    public JobResult get() {
        FleetConfig fleet = config.get();
        JobsSpec.Heartbeat spec = fleet.jobs().heartbeat();
        List<String> machines = fleet.machines().values().stream().filter(HeartbeatJob::watched).map(MachineSpec::name)
                .toList();
        Map<String, CompletableFuture<Beat>> runs = new LinkedHashMap<>();
        for (String machine : machines) {
            runs.put(machine, CompletableFuture.supplyAsync(() -> beat(machine, spec.thresholds()), pool));
        }
        List<String> down = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long deadline = System.nanoTime() + beatTimeout.toNanos();
        for (Map.Entry<String, CompletableFuture<Beat>> run : runs.entrySet()) {
            String machine = run.getKey();
            Beat beat;
            try {
                beat = run.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                run.getValue().cancel(true);
                reachability.failed(machine, "its metrics did not come within " + Durations.format(beatTimeout),
                        clock.instant());
                beat = new Beat(false, null);
            } catch (ExecutionException e) {
                reachability.failed(machine, String.valueOf(e.getCause()), clock.instant());
                beat = new Beat(false, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return JobResult.failed("interrupted");
            }
            if (!beat.answered()) {
                down.add(machine);
            } else if (beat.warning() != null) {
                warnings.add(beat.warning());
            }
        }
        String written = "";
        if (spec.writeJson() != null) {
            Path file = dev.homefleet.core.config.Paths.expandHome(spec.writeJson(), home);
            try {
                writeJson(file, state.get());
                written = "; wrote " + file;
            } catch (IOException e) {
                return JobResult.failed("cannot write " + file + ": " + e.getMessage()
                        + "; check the directory exists and is writable, or change jobs.heartbeat.write_json");
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("machines", machines);
        details.put("down", down);
        details.put("warnings", warnings);
        return JobResult.ok((machines.size() - down.size()) + " of " + machines.size() + " machines answered"
                + (down.isEmpty() ? "" : " (" + String.join(", ", down) + " did not)")
                + (warnings.isEmpty() ? "" : "; " + warnings.size() + " over thresholds") + written, details);
    }

    /** The machines the controller looks after: not a client (the phone), and reachable some way. */
    public static boolean watched(MachineSpec machine) {
        return machine.role() != MachineSpec.Role.CLIENT && machine.reach().via() != ReachSpec.Via.NONE;
    }

    private Beat beat(String machine, JobsSpec.Thresholds thresholds) {
        Instant at = clock.instant();
        Reached<MachineMetrics> reached;
        try {
            reached = source.metrics(machine);
        } catch (IOException | RuntimeException e) {
            reachability.failed(machine, e.getMessage() == null ? e.toString() : e.getMessage(), at);
            return new Beat(false, null);
        }
        MachineMetrics metrics = reached.value();
        samples.sample(machine, at, metrics);
        reachability.reached(machine, reached.via(), at, metrics);
        List<String> crossed = new ArrayList<>();
        check(machine, "memory", metrics.memoryPercent(), thresholds.memoryPercent(), crossed, at);
        check(machine, "swap", metrics.swapPercent(), thresholds.swapPercent(), crossed, at);
        for (MachineMetrics.DiskUsage disk : metrics.disks()) {
            check(machine, "disk " + disk.mount(), disk.percent(), thresholds.diskPercent(), crossed, at);
        }
        return new Beat(true, crossed.isEmpty() ? null : machine + ": " + String.join(", ", crossed));
    }

    private void check(String machine, String what, double percent, int threshold, List<String> crossed, Instant at) {
        String key = machine + " " + what;
        if (percent < 0) {
            return;
        }
        if (percent <= threshold) {
            over.remove(key);
            return;
        }
        crossed.add(what + " " + Math.round(percent) + "%");
        if (over.add(key)) {
            events.publish(FleetEvent.of(EventType.RESOURCE_WARNING).at(at).machine(machine)
                    .message(machine + ": " + what + " at " + Math.round(percent) + "%, over the " + threshold
                            + "% threshold")
                    .data("resource", what).data("percent", Math.round(percent * 10) / 10.0)
                    .data("threshold", threshold).build());
        }
    }

    /** Written to a temporary file and moved over the old one, so a reader never sees half a file. */
    static void writeJson(Path file, FleetState snapshot) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("generated_at", snapshot.at());
        Map<String, Object> machines = new LinkedHashMap<>();
        snapshot.machines().forEach((name, m) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", m.health().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            entry.put("since", m.since());
            entry.put("last_heartbeat", m.lastHeartbeat());
            if (m.metrics() != null) {
                MachineMetrics x = m.metrics();
                entry.put("cpu_percent", round(x.cpuPercent()));
                entry.put("memory_percent", round(x.memoryPercent()));
                entry.put("swap_percent", round(x.swapPercent()));
                entry.put("disks", x.disks().stream().map(d -> Map.of("mount", d.mount(), "percent", round(d.percent())))
                        .toList());
                entry.put("processes", x.processes());
                entry.put("uptime_seconds", x.uptimeSeconds());
            }
            Map<String, Object> services = new LinkedHashMap<>();
            m.services().forEach((s, status) -> services.put(s,
                    Map.of("status", status.health().name().toLowerCase(Locale.ROOT).replace('_', '-'))));
            entry.put("services", services);
            machines.put(name, entry);
        });
        document.put("machines", machines);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".heartbeat", ".tmp");
        try {
            FleetJson.json().writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), document);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static double round(double value) {
        return value < 0 ? -1 : Math.round(value * 10) / 10.0;
    }
}
