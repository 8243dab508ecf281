package dev.homefleet.controller.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.reload.ConfigDiff.PortChange;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real watcher on real files: edits made the ways editors make them (plain writes, several quick writes,
 * a temporary file renamed over fleet.yaml, delete and recreate), and what the controller is told.
 */
class ConfigWatcherTest {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** Long enough after a reload for a second one to have happened, were there one. */
    private static final Duration SETTLE = QUIET.multipliedBy(3);

    private static final String MOVED_PORT_FROM = "port: 2568";
    private static final String MOVED_PORT_TO = "port: 2569";

    @TempDir
    Path dir;

    private final String shipped = Fleets.shipped();
    private final FleetConfig running = Fleets.load(shipped);
    private final Recorder recorder = new Recorder();
    private Path file;
    private ConfigWatcher watcher;

    @BeforeEach
    void writeTheFleet() throws IOException {
        file = Files.writeString(dir.resolve("fleet.yaml"), shipped);
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private ConfigWatcher start() throws IOException {
        watcher = ConfigWatcher.start(file, running, Fleets.ENV, QUIET, recorder);
        return watcher;
    }

    private String movedPort() {
        return Fleets.edit(shipped, MOVED_PORT_FROM, MOVED_PORT_TO);
    }

    @Test
    void a_valid_edit_is_accepted_once_with_its_diff() throws IOException {
        start();
        Files.writeString(file, movedPort());

        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        Accepted accepted = recorder.only(Accepted.class);
        assertThat(accepted.diff().movedPorts()).containsExactly(
                new PortChange("macmini", "aphos-server-dev", 2568, 2569));
        assertThat(watcher.current()).isSameAs(accepted.config());
        assertThat(watcher.current().machines().get("macmini").services().get("aphos-server-dev").port())
                .isEqualTo(2569);
        assertThat(watcher.matchesDisk()).isTrue();
        await().during(SETTLE).atMost(PATIENCE).until(() -> recorder.calls.size() == 1 && watcher.reloads() == 1);
    }

    @Test
    void an_invalid_edit_is_rejected_with_line_and_column_and_the_last_good_config_stays_until_a_valid_one()
            throws IOException {
        start();
        String broken = Fleets.edit(shipped, MOVED_PORT_FROM, "port: banana");
        Files.writeString(file, broken);

        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        Rejected rejected = recorder.only(Rejected.class);
        int line = lineOf(broken, "port: banana");
        assertThat(rejected.problems()).filteredOn(Problem::isError).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(line);
            assertThat(problem.column()).isEqualTo(15);
            assertThat(problem.path()).isEqualTo("machines.macmini.services.aphos-server-dev.port");
            assertThat(problem.format()).startsWith(file + ":" + line + ":15: ");
        });
        assertThat(rejected.fileText()).isEqualTo(broken);
        assertThat(watcher.current()).isSameAs(running);
        assertThat(watcher.matchesDisk()).isFalse();
        assertThat(watcher.problems()).isEqualTo(rejected.problems());

        Files.writeString(file, movedPort());
        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 2);
        Accepted accepted = (Accepted) recorder.calls.get(1);
        assertThat(accepted.diff().describe()).containsExactly(
                "changed port machines.macmini.services.aphos-server-dev: port 2568 -> 2569");
        assertThat(watcher.matchesDisk()).isTrue();
        assertThat(watcher.problems()).isEmpty();
        assertThat(watcher.current()).isSameAs(accepted.config());
    }

    @Test
    void a_save_in_three_quick_writes_is_read_once_as_the_final_text() throws Exception {
        start();
        String edited = movedPort();
        // How an editor that truncates, then writes in chunks, saves: the first two states are not valid YAML.
        Files.writeString(file, "");
        Thread.sleep(30);
        Files.writeString(file, edited.substring(0, edited.length() / 2) + "\n  : [");
        Thread.sleep(30);
        Files.writeString(file, edited);

        await().atMost(PATIENCE).until(() -> !recorder.calls.isEmpty());
        await().during(SETTLE).atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        assertThat(recorder.only(Accepted.class).diff().movedPorts()).hasSize(1);
        assertThat(watcher.reloads()).isEqualTo(1);
    }

    @Test
    void a_temporary_file_renamed_over_fleet_yaml_is_an_edit() throws IOException {
        start();
        Path temporary = Files.writeString(dir.resolve(".fleet.yaml.tmp-1234"), movedPort());
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        assertThat(recorder.only(Accepted.class).diff().movedPorts()).hasSize(1);
    }

    @Test
    void deleted_and_written_again_within_the_quiet_period_is_an_edit_not_a_removal() throws Exception {
        start();
        Files.delete(file);
        Thread.sleep(20);
        Files.writeString(file, movedPort());

        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        assertThat(recorder.only(Accepted.class).diff().movedPorts()).hasSize(1);
        await().during(SETTLE).atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
    }

    @Test
    void a_removed_file_is_reported_once_and_putting_it_back_as_it_was_needs_no_reload() throws IOException {
        start();
        Files.delete(file);

        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        Problem removed = recorder.only(Rejected.class).problems().get(0);
        assertThat(removed.format()).startsWith(file + ": the file was removed; the last good config stays in force");
        assertThat(removed.line()).isZero();
        assertThat(watcher.matchesDisk()).isFalse();
        assertThat(watcher.current()).isSameAs(running);

        Files.writeString(dir.resolve("notes.txt"), "not the fleet");
        Files.writeString(file, shipped);
        await().atMost(PATIENCE).until(watcher::matchesDisk);
        // Nothing to apply, but the listener hears that the disk matches what runs again (fleet status says so).
        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 2);
        assertThat(recorder.calls.get(1)).isInstanceOf(BackInStep.class);
        assertThat(watcher.current()).isSameAs(running);
    }

    @Test
    void the_same_bytes_or_a_comment_change_or_another_file_in_the_directory_calls_nobody() throws IOException {
        start();
        Files.writeString(dir.resolve("fleet.yaml.bak"), shipped);
        Files.writeString(dir.resolve("notes.txt"), "backup taken");
        Files.writeString(file, shipped);
        await().atMost(PATIENCE).until(() -> watcher.reloads() == 1);

        Files.writeString(file, shipped + "# the MSI is off on weekends\n");
        await().atMost(PATIENCE).until(() -> watcher.reloads() == 2);
        await().during(SETTLE).atMost(PATIENCE).until(() -> watcher.reloads() == 2);
        assertThat(recorder.calls).isEmpty();
        assertThat(watcher.matchesDisk()).isTrue();
    }

    @Test
    void the_same_invalid_text_saved_again_is_not_reported_again() throws IOException {
        start();
        String broken = Fleets.edit(shipped, MOVED_PORT_FROM, "port: banana");
        Files.writeString(file, broken);
        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);

        Files.writeString(file, broken);
        await().atMost(PATIENCE).until(() -> watcher.reloads() == 2);
        assertThat(recorder.calls).hasSize(1);
        assertThat(watcher.matchesDisk()).isFalse();
    }

    @Test
    void a_file_edited_before_the_watch_began_is_reported_when_it_starts() throws IOException {
        Files.writeString(file, movedPort());
        start();
        assertThat(recorder.only(Accepted.class).diff().movedPorts()).hasSize(1);
    }

    @Test
    void a_file_as_the_controller_loaded_it_is_not_reported_when_the_watch_starts() throws IOException {
        start();
        assertThat(recorder.calls).isEmpty();
        assertThat(watcher.matchesDisk()).isTrue();
        assertThat(watcher.reloads()).isZero();
    }

    @Test
    void an_edit_of_the_file_a_symbolic_link_points_to_is_seen() throws IOException {
        Path repo = Files.createDirectory(dir.resolve("repo"));
        Path real = Files.move(file, repo.resolve("fleet.yaml"));
        Path home = Files.createDirectory(dir.resolve("home"));
        file = Files.createSymbolicLink(home.resolve("fleet.yaml"), real);
        start();

        Files.writeString(real, movedPort());
        await().atMost(PATIENCE).until(() -> recorder.calls.size() == 1);
        assertThat(recorder.only(Accepted.class).diff().movedPorts()).hasSize(1);
    }

    @Test
    void a_listener_that_throws_does_not_stop_the_watch() throws IOException {
        List<ConfigDiff> seen = new CopyOnWriteArrayList<>();
        watcher = ConfigWatcher.start(file, running, Fleets.ENV, QUIET, new ConfigWatcher.Listener() {
            @Override
            public void accepted(FleetConfig config, ConfigDiff diff) {
                seen.add(diff);
                throw new IllegalStateException("the scheduler is down");
            }

            @Override
            public void rejected(List<Problem> problems, String fileText) {}
        });
        Files.writeString(file, movedPort());
        await().atMost(PATIENCE).until(() -> seen.size() == 1);
        Files.writeString(file, Fleets.edit(movedPort(), "events: 30d", "events: 14d"));
        await().atMost(PATIENCE).until(() -> seen.size() == 2);
        assertThat(seen.get(1).describe()).containsExactly(
                "changed controller controller.retention: retention events 30d -> 14d");
    }

    private static int lineOf(String text, String needle) {
        String before = text.substring(0, text.indexOf(needle));
        return (int) before.chars().filter(c -> c == '\n').count() + 1;
    }

    record Accepted(FleetConfig config, ConfigDiff diff) {}

    record Rejected(List<Problem> problems, String fileText) {}

    record BackInStep() {}

    /** Every call, in order. */
    static final class Recorder implements ConfigWatcher.Listener {
        final List<Object> calls = new CopyOnWriteArrayList<>();

        @Override
        public void accepted(FleetConfig config, ConfigDiff diff) {
            calls.add(new Accepted(config, diff));
        }

        @Override
        public void rejected(List<Problem> problems, String fileText) {
            calls.add(new Rejected(problems, fileText));
        }

        @Override
        public void backInStep() {
            calls.add(new BackInStep());
        }

        <T> T only(Class<T> type) {
            assertThat(calls).singleElement().isInstanceOf(type);
            return type.cast(calls.get(0));
        }
    }
}
