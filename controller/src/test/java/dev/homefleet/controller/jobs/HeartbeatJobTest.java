package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.reach.Reached;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.store.Sample;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat with metrics shaped as the agent and the sweeps give them, the real store and real files. */
class HeartbeatJobTest {

    private static final long GIB = 1L << 30;

    /** laptop (local) and mini (ssh); the phone is not reached; the seed's thresholds but disk at 80%. */
    private static final String FLEET = Fleets.LAPTOP + """
              mini:
                os: linux
                reach:
                  via: ssh
                  ssh: {host: 127.0.0.1, port: 1, user: tester}
              phone:
                os: ios
                role: client
                reach: {via: none}
            jobs:
              heartbeat:
                write_json: ~/clawd/Crabwalk/public/heartbeat-data.json
                thresholds: {swap_percent: 50, memory_percent: 90, disk_percent: 80}
            """;

    @TempDir
    Path home;

    private final ExecutorService pool = Fleets.daemonPool("heartbeat-test");
    private final EventBus bus = new EventBus();
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final StateHolder state = Fleets.emptyState();
    /** Each machine's metrics for the next beat; a machine with none does not answer. */
    private final Map<String, MachineMetrics> metrics = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private Store store;

    {
        bus.subscribe("test", events::add);
    }

    @BeforeEach
    void openStore() {
        store = Store.open(home.resolve("homefleet.db"));
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        store.close();
    }

    private HeartbeatJob job(String yaml) {
        return job(yaml, HeartbeatJob.BEAT_TIMEOUT);
    }

    private HeartbeatJob job(String yaml, Duration beatTimeout) {
        HeartbeatJob.MetricsSource source = machine -> {
            asked.add(machine);
            MachineMetrics m = metrics.get(machine);
            if (m == null) {
                throw new IOException(machine + " cannot be reached: ssh tester@127.0.0.1:1 refused the connection");
            }
            return new Reached<>(m, machine.equals("laptop") ? "local" : "ssh tester@127.0.0.1:1", List.of());
        };
        return new HeartbeatJob(() -> Fleets.parse(yaml), source, store::sample, new MachineReachability(bus, state),
                bus, state, pool, home, Clock.systemUTC(), beatTimeout);
    }

    /** Memory, swap and the one disk at these percentages of 16 GiB, 4 GiB and 500 GiB. */
    private static MachineMetrics at(double memory, double swap, double disk) {
        return new MachineMetrics(Instant.now(), 12.5, 1.7, (long) (16 * GIB * memory / 100), 16 * GIB,
                (long) (4 * GIB * swap / 100), 4 * GIB,
                List.of(new MachineMetrics.DiskUsage("/", (long) (500 * GIB * disk / 100), 500 * GIB)), 412, 86_400);
    }

    private List<FleetEvent> warnings() {
        return events.stream().filter(e -> e.type() == EventType.RESOURCE_WARNING).toList();
    }

    @Test
    void every_reached_machine_is_asked_and_its_metrics_are_stored_as_a_sample() {
        metrics.put("laptop", at(40, 10, 50));
        metrics.put("mini", at(60, 0, 20));

        JobResult result = job(FLEET).get();

        assertThat(result.failed()).isFalse();
        assertThat(result.summary()).startsWith("2 of 2 machines answered; wrote ");
        assertThat(asked).containsExactlyInAnyOrder("laptop", "mini");
        List<Sample> samples = store.samples("mini", null);
        assertThat(samples).singleElement().satisfies(s -> {
            assertThat(s.memoryPercent()).isCloseTo(60, org.assertj.core.data.Offset.offset(0.01));
            assertThat(s.cpuPercent()).isEqualTo(12.5);
        });
        assertThat(state.get().machines().get("mini").health()).isEqualTo(Health.UP);
        assertThat(state.get().machines().get("mini").via()).isEqualTo("ssh tester@127.0.0.1:1");
        assertThat(state.get().machines().get("mini").lastHeartbeat()).isNotNull();
        assertThat(state.get().machines().get("mini").metrics().processes()).isEqualTo(412);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void a_resource_over_its_threshold_warns_once_when_it_crosses_and_again_only_after_going_back_under() {
        HeartbeatJob job = job(FLEET);
        metrics.put("laptop", at(40, 10, 50));
        metrics.put("mini", at(40, 10, 50));
        job.get();

        metrics.put("mini", at(40, 62.5, 50));
        JobResult crossed = job.get();
        job.get();
        job.get();

        assertThat(crossed.summary()).contains("; 1 over thresholds");
        assertThat(crossed.details()).containsEntry("warnings", List.of("mini: swap 63%"));
        assertThat(warnings()).singleElement().satisfies(e -> {
            assertThat(e.machine()).isEqualTo("mini");
            assertThat(e.message()).isEqualTo("mini: swap at 63%, over the 50% threshold");
            assertThat(e.data()).containsEntry("resource", "swap").containsEntry("percent", 62.5)
                    .containsEntry("threshold", 50);
        });

        metrics.put("mini", at(40, 50, 50));
        job.get();
        metrics.put("mini", at(40, 75, 50));
        job.get();

        assertThat(warnings()).as("at the threshold is not over it; crossing again warns again").hasSize(2);
    }

    @Test
    void memory_swap_and_each_disk_have_their_own_threshold_and_their_own_warning() {
        MachineMetrics full = new MachineMetrics(Instant.now(), 90, 3, 15 * GIB, 16 * GIB, 3 * GIB, 4 * GIB,
                List.of(new MachineMetrics.DiskUsage("/", 450 * GIB, 500 * GIB),
                        new MachineMetrics.DiskUsage("/Volumes/Backup", 100 * GIB, 1000 * GIB),
                        new MachineMetrics.DiskUsage("/data", 850 * GIB, 1000 * GIB)), 500, 10);
        metrics.put("laptop", full);
        metrics.put("mini", at(10, 0, 10));

        job(FLEET).get();

        assertThat(warnings()).extracting(FleetEvent::message).containsExactlyInAnyOrder(
                "laptop: memory at 94%, over the 90% threshold",
                "laptop: swap at 75%, over the 50% threshold",
                "laptop: disk / at 90%, over the 80% threshold",
                "laptop: disk /data at 85%, over the 80% threshold");
    }

    @Test
    void a_value_the_source_cannot_give_is_not_a_warning() {
        metrics.put("laptop", new MachineMetrics(Instant.now(), -1, -1, 8 * GIB, 16 * GIB, 0, 0, List.of(), 100, 5));
        metrics.put("mini", at(10, 0, 10));

        JobResult result = job(FLEET).get();

        assertThat(result.summary()).doesNotContain("over thresholds");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void a_machine_that_does_not_answer_two_heartbeats_in_a_row_is_down_once() {
        HeartbeatJob job = job(FLEET);
        metrics.put("laptop", at(10, 0, 10));
        metrics.put("mini", at(10, 0, 10));
        job.get();
        metrics.remove("mini");

        JobResult first = job.get();
        job.get();
        job.get();

        assertThat(first.summary()).startsWith("1 of 2 machines answered (mini did not)");
        assertThat(first.details()).containsEntry("down", List.of("mini"));
        assertThat(events).filteredOn(e -> e.type() == EventType.MACHINE_DOWN).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo(
                        "mini does not answer: mini cannot be reached: ssh tester@127.0.0.1:1 refused the connection"));
        assertThat(store.samples("mini", null)).as("no sample for a silent machine").hasSize(1);
    }

    @Test
    void a_machine_named_down_that_is_over_a_threshold_is_a_warning_not_an_outage() {
        String fleet = Fleets.LAPTOP.replace("laptop", "down");
        metrics.put("down", at(95, 0, 10));

        JobResult result = job(fleet).get();

        assertThat(result.details()).containsEntry("down", List.of()).containsEntry("warnings",
                List.of("down: memory 95%"));
    }

    @Test
    void a_machine_whose_metrics_never_come_is_down_after_the_beat_timeout() {
        String fleet = FLEET;
        HeartbeatJob.MetricsSource hangs = machine -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("interrupted");
        };
        HeartbeatJob job = new HeartbeatJob(() -> Fleets.parse(fleet), hangs, store::sample,
                new MachineReachability(bus, state), bus, state, pool, home, Clock.systemUTC(), Duration.ofMillis(500));

        JobResult result = job.get();

        assertThat(result.details()).containsEntry("down", List.of("laptop", "mini"));
        assertThat(state.get().machines().get("mini").error()).isEqualTo("its metrics did not come within 500ms");
    }

    @Test
    void the_snapshot_is_written_as_json_where_write_json_says_creating_its_directories() throws IOException {
        metrics.put("laptop", at(40, 10, 50));
        metrics.put("mini", at(60, 0, 20));
        state.update(s -> s.withMachine(s.machines().getOrDefault("mini", new FleetState.MachineStatus("mini",
                Health.UNKNOWN, null, null, null, null, null, Map.of())).withService(new FleetState.ServiceStatus(
                "mini", "ollama", Health.GAVE_UP, Instant.now(), null, "connection refused", null, 3, 0, 3, null))));

        job(FLEET).get();

        Path file = home.resolve("clawd/Crabwalk/public/heartbeat-data.json");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.path("generated_at").asText()).isNotBlank();
        assertThat(json.path("machines").fieldNames()).toIterable().containsExactlyInAnyOrder("laptop", "mini");
        JsonNode mini = json.path("machines").path("mini");
        assertThat(mini.path("status").asText()).isEqualTo("up");
        assertThat(mini.path("memory_percent").asDouble()).isEqualTo(60.0);
        assertThat(mini.path("disks").get(0).path("mount").asText()).isEqualTo("/");
        assertThat(mini.path("disks").get(0).path("percent").asDouble()).isEqualTo(20.0);
        assertThat(mini.path("processes").asInt()).isEqualTo(412);
        assertThat(mini.path("services").path("ollama").path("status").asText()).isEqualTo("gave-up");
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertThat(left).as("no temporary file left beside it").containsExactly(file);
        }
    }

    @Test
    void writing_replaces_the_old_file_whole() throws IOException {
        Path file = home.resolve("clawd/Crabwalk/public/heartbeat-data.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"old\": true, \"padding\": \"" + "x".repeat(100_000) + "\"}");
        metrics.put("laptop", at(40, 10, 50));
        metrics.put("mini", at(60, 0, 20));

        job(FLEET).get();

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.has("old")).isFalse();
        assertThat(json.path("machines").size()).isEqualTo(2);
    }

    @Test
    void a_write_json_that_cannot_be_written_fails_the_run_and_says_what_to_do() throws IOException {
        Files.writeString(home.resolve("clawd"), "a file where a directory should be");
        metrics.put("laptop", at(40, 10, 50));
        metrics.put("mini", at(60, 0, 20));

        JobResult result = job(FLEET).get();

        assertThat(result.failed()).isTrue();
        assertThat(result.summary()).startsWith("cannot write " + home.resolve("clawd/Crabwalk/public/heartbeat-data.json"))
                .endsWith("; check the directory exists and is writable, or change jobs.heartbeat.write_json");
        assertThat(store.samples("mini", null)).as("the beat itself still counted").hasSize(1);
    }

    @Test
    void without_write_json_nothing_is_written() throws IOException {
        metrics.put("laptop", at(40, 10, 50));
        metrics.put("mini", at(60, 0, 20));

        JobResult result = job(FLEET.replace("    write_json: ~/clawd/Crabwalk/public/heartbeat-data.json\n", ""))
                .get();

        assertThat(result.summary()).isEqualTo("2 of 2 machines answered");
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files).allMatch(p -> p.getFileName().toString().startsWith("homefleet.db"));
        }
    }
}
