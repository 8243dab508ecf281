package dev.homefleet.controller.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.controller.state.FleetState.ConfigStatus;
import dev.homefleet.controller.state.FleetState.JobStatus;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.core.config.FleetJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FleetStateTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    private static FleetState empty() {
        return FleetState.empty(new ConfigStatus("/home/felipe/fleet.yaml", AT, true, null));
    }

    private static ServiceStatus service(String name, Health health) {
        return new ServiceStatus("macmini", name, health, AT, AT, "connection refused", null, 3, 0, 3, null);
    }

    private static MachineStatus macmini() {
        return new MachineStatus("macmini", Health.UP, AT, "agent", AT, null, null, null);
    }

    @Test
    void a_snapshots_maps_and_lists_cannot_be_changed_by_anyone() {
        FleetState state = empty().withMachine(macmini().withService(service("ollama", Health.UP)))
                .withConflicts(List.of("macmini:2567 declared twice"));

        assertThatThrownBy(() -> state.machines().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.jobs().put("x", null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.checkins().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.conflicts().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.machines().get("macmini").services().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.config().rejected().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_snapshot_copies_what_it_is_built_from() {
        Map<String, MachineStatus> machines = new LinkedHashMap<>(Map.of("macmini", macmini()));
        List<String> conflicts = new ArrayList<>(List.of("a"));
        FleetState state = new FleetState(AT, null, machines, null, null, conflicts);

        machines.clear();
        conflicts.add("b");

        assertThat(state.machines()).containsOnlyKeys("macmini");
        assertThat(state.conflicts()).containsExactly("a");
        assertThat(state.jobs()).isEmpty();
    }

    @Test
    void a_change_makes_a_new_snapshot_and_leaves_the_old_one_as_it_was() {
        FleetState before = empty().withMachine(macmini().withService(service("ollama", Health.UP)));

        FleetState after = before.withMachine(before.machines().get("macmini").withService(service("ollama",
                Health.DOWN)).withService(service("aphos", Health.UP)));

        assertThat(before.machines().get("macmini").services()).containsOnlyKeys("ollama");
        assertThat(before.machines().get("macmini").services().get("ollama").health()).isEqualTo(Health.UP);
        assertThat(after.machines().get("macmini").services()).containsOnlyKeys("ollama", "aphos");
        assertThat(after.machines().get("macmini").services().get("ollama").health()).isEqualTo(Health.DOWN);
        assertThat(after.config()).isSameAs(before.config());
    }

    @Test
    void with_machines_hands_out_a_copy_to_change() {
        FleetState before = empty().withMachine(macmini());
        FleetState after = before.withMachines(machines -> {
            machines.remove("macmini");
            return machines;
        });
        assertThat(before.machines()).containsOnlyKeys("macmini");
        assertThat(after.machines()).isEmpty();
    }

    @Test
    void updates_from_eight_threads_at_once_lose_none() throws Exception {
        StateHolder holder = new StateHolder(empty());
        int threads = 8;
        int each = 1_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        holder.update(s -> s.withJob(new JobStatus("checks", "@every 30s", null, null, "ok",
                                String.valueOf(count(s) + 1), null)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(count(holder.get())).isEqualTo(threads * each);
    }

    private static int count(FleetState state) {
        JobStatus job = state.jobs().get("checks");
        return job == null ? 0 : Integer.parseInt(job.summary());
    }

    @Test
    void a_reader_holds_a_whole_snapshot_while_changes_go_on() {
        StateHolder holder = new StateHolder(empty().withMachine(macmini()));
        FleetState read = holder.get();

        FleetState changed = holder.update(s -> s.withMachines(m -> new LinkedHashMap<>()));

        assertThat(read.machines()).containsOnlyKeys("macmini");
        assertThat(changed.machines()).isEmpty();
        assertThat(holder.get()).isSameAs(changed);
    }

    @Test
    void as_json_health_is_spelled_as_fleet_yaml_would_and_keys_are_snake_case() {
        FleetState state = empty().withMachine(macmini().withService(service("ollama", Health.GAVE_UP)));

        JsonNode json = FleetJson.json().valueToTree(state);

        JsonNode mini = json.path("machines").path("macmini");
        assertThat(mini.path("health").asText()).isEqualTo("up");
        assertThat(mini.path("last_heartbeat").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(mini.path("services").path("ollama").path("health").asText()).isEqualTo("gave-up");
        assertThat(mini.path("services").path("ollama").path("last_check").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(json.path("config").path("matches_disk").asBoolean()).isTrue();
    }
}
