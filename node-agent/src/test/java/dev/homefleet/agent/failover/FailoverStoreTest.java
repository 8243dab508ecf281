package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.agent.failover.FailoverMachine.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailoverStoreTest {

    @TempDir
    Path dir;

    private static SavedFailover saved(String name) {
        Transition took = new Transition(FailoverState.SUSPECT, FailoverState.ACTIVE,
                Instant.parse("2025-01-31T12:00:00Z"), "3 failed checks in a row (fall 3) (connection refused)", 3, 0);
        return new SavedFailover(SavedFailover.CURRENT_VERSION, name, FailoverState.ACTIVE, FailoverMode.AUTO, 3, 0,
                Run.TAKEOVER, 0, 0, List.of(took), Instant.parse("2025-01-31T12:00:01Z"));
    }

    @Test
    void a_saved_state_reads_back_the_same() throws Exception {
        FailoverStore store = new FailoverStore(dir.resolve("failover"));
        store.save(saved("gateway"));
        FailoverStore.Loaded loaded = store.load("gateway");
        assertThat(loaded.problem()).isNull();
        assertThat(loaded.saved()).isEqualTo(saved("gateway"));
        assertThat(Files.readString(store.file("gateway"))).contains("\"state\" : \"active\"", "\"pending\" : \"takeover\"");
    }

    @Test
    void saving_replaces_the_file_and_leaves_no_temporary_files() throws Exception {
        FailoverStore store = new FailoverStore(dir);
        store.save(saved("gateway"));
        store.save(saved("gateway"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("gateway.json");
        }
    }

    @Test
    void no_file_is_a_first_start_without_a_problem() {
        FailoverStore.Loaded loaded = new FailoverStore(dir).load("gateway");
        assertThat(loaded.saved()).isNull();
        assertThat(loaded.problem()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"version\":1,\"failover\":\"gateway\",\"state\":\"act", "",
            "{\"version\":1,\"failover\":\"gateway\",\"state\":\"sleeping\",\"mode\":\"auto\"}",
            "{\"version\":1,\"failover\":\"gateway\",\"mode\":\"auto\"}",
            "{\"version\":1,\"failover\":\"gateway\",\"state\":\"active\",\"mode\":\"auto\",\"failures\":2,\"successes\":1}",
            "{\"version\":9,\"failover\":\"gateway\",\"state\":\"active\",\"mode\":\"auto\"}",
            "{\"version\":1,\"failover\":\"other\",\"state\":\"active\",\"mode\":\"auto\"}", "[]"})
    void an_unreadable_file_is_reported_and_moved_aside(String content) throws Exception {
        FailoverStore store = new FailoverStore(dir);
        Files.writeString(store.file("gateway"), content);
        FailoverStore.Loaded loaded = store.load("gateway");
        assertThat(loaded.saved()).isNull();
        assertThat(loaded.problem()).startsWith("the saved state " + store.file("gateway") + " is unreadable: ")
                .endsWith("; moved aside to " + store.file("gateway") + ".corrupt");
        assertThat(store.file("gateway")).doesNotExist();
        assertThat(Files.readString(dir.resolve("gateway.json.corrupt"))).isEqualTo(content);
    }
}
