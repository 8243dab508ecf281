package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanerLocksTest {

    @TempDir
    Path home;

    @Test
    void locks_older_than_their_ttl_are_removed_and_fresh_ones_and_other_files_are_kept() throws IOException {
        Path locks = Files.createDirectories(home.resolve("clawd/utils/lock dir"));
        Path stale = file(locks.resolve("ollama.lock"), Duration.ofHours(2));
        Path staleWithBlank = file(locks.resolve("grok queue.lock"), Duration.ofMinutes(70));
        Path fresh = file(locks.resolve("fresh.lock"), Duration.ZERO);
        Path young = file(locks.resolve("young.lock"), Duration.ofMinutes(50));
        Path otherName = file(locks.resolve("notes.txt"), Duration.ofHours(5));
        Path nested = file(Files.createDirectories(locks.resolve("deeper")).resolve("old.lock"), Duration.ofHours(5));
        Path link = Files.createSymbolicLink(locks.resolve("link.lock"), otherName);
        FleetConfig config = fleet("""
                locks:
                  - path: ~/clawd/utils/lock dir/*.lock
                    ttl: 1h
                """);

        CleanerReport report = clean(config, runnerWithHome());

        assertThat(report.errors()).isEmpty();
        assertThat(report.locksRemoved()).containsExactlyInAnyOrder(stale.toString(), staleWithBlank.toString());
        assertThat(stale).doesNotExist();
        assertThat(staleWithBlank).doesNotExist();
        assertThat(fresh).exists();
        assertThat(young).exists();
        assertThat(otherName).exists();
        assertThat(nested).exists();
        assertThat(link).exists();
        assertThat(report.summary()).contains("; 2 stale locks removed; ");
    }

    @Test
    void a_directory_whose_name_would_mean_something_to_a_shell_is_only_ever_a_name() throws IOException {
        Path canary = file(home.resolve("canary"), Duration.ZERO);
        Path odd = Files.createDirectories(home.resolve("it's $(rm canary); `rm canary` & \"x\""));
        Path stale = file(odd.resolve("a.lock"), Duration.ofHours(3));
        FleetConfig config = fleet("""
                locks:
                  - path: %s
                    ttl: 1h
                """.formatted(TestFleet.quoted(odd + "/*.lock")));

        CleanerReport report = clean(config, runnerWithHome());

        assertThat(report.errors()).isEmpty();
        assertThat(report.locksRemoved()).containsExactly(stale.toString());
        assertThat(canary).exists();
    }

    @Test
    void a_lock_directory_that_does_not_exist_is_a_note_not_an_error() {
        FleetConfig config = fleet("""
                locks:
                  - path: ~/nowhere/*.lock
                """);

        CleanerReport report = clean(config, runnerWithHome());

        assertThat(report.errors()).isEmpty();
        assertThat(report.locksRemoved()).isEmpty();
        assertThat(report.notes()).contains("lock directory " + home + "/nowhere does not exist on local;"
                + " nothing to remove");
    }

    @Test
    void locks_of_another_machine_are_left_to_that_machines_run() throws IOException {
        Path stale = file(Files.createDirectories(home.resolve("locks")).resolve("x.lock"), Duration.ofHours(3));
        FleetConfig config = fleet("""
                locks:
                  - path: %s/*.lock
                    machine: mini
                """.formatted(home.resolve("locks")));

        CleanerReport report = clean(config, runnerWithHome());

        assertThat(report.locksRemoved()).isEmpty();
        assertThat(stale).exists();
    }

    @Test
    void a_home_directory_that_cannot_be_found_is_an_error_and_the_other_locks_still_go() throws IOException {
        Path elsewhere = file(Files.createDirectories(home.resolve("abs")).resolve("gone.lock"), Duration.ofHours(3));
        FleetConfig config = fleet("""
                locks:
                  - path: ~/clawd/*.lock
                  - path: %s/*.lock
                """.formatted(home.resolve("abs")));
        CommandRunner noHome = LocalCommandRunner.builder().environment("HOME", "not/absolute").build();

        CleanerReport report = clean(config, noHome);

        assertThat(report.errors()).containsExactly("cannot remove stale locks ~/clawd/*.lock on box: cannot find"
                + " the home directory on local to expand ~: HOME is 'not/absolute'");
        assertThat(report.locksRemoved()).containsExactly(elsewhere.toString());
        assertThat(report.summary()).endsWith("; 1 stale lock removed; 0 port conflicts; 1 error");
    }

    @Test
    void a_windows_machine_has_no_orphans_and_its_lock_paths_are_refused_without_running_anything() {
        FleetConfig config = fleet("""
                locks:
                  - path: C:/Users/felipe/locks/*.lock
                    machine: msi
                """);
        CommandRunner refuses = Runners.refusing("msi");

        CleanerReport report = Cleaner.of(config).run("msi", config.machines().get("msi"), refuses, List.of());

        assertThat(report.orphans()).isEmpty();
        assertThat(report.simulators()).isNull();
        assertThat(report.notes()).containsExactly("orphans on msi: Windows does not hand a process whose parent"
                + " exits to pid 1, so there are no orphans to find");
        assertThat(report.errors()).containsExactly("1 lock path(s) are set for msi, a Windows machine; stale locks"
                + " are only removed on macOS and Linux");
    }

    @Test
    void ttl_becomes_whole_minutes_rounded_up_so_a_lock_is_never_removed_early() {
        assertThat(StaleLocks.minutes(Duration.ofHours(1))).isEqualTo(60);
        assertThat(StaleLocks.minutes(Duration.ofSeconds(61))).isEqualTo(2);
        assertThat(StaleLocks.minutes(Duration.ofSeconds(1))).isEqualTo(1);
    }

    private CleanerReport clean(FleetConfig config, CommandRunner runner) {
        return Cleaner.of(config).run("box", config.machines().get("box"), runner, List.of());
    }

    private CommandRunner runnerWithHome() {
        return LocalCommandRunner.builder().environment("HOME", home.toString()).build();
    }

    private static Path file(Path path, Duration age) throws IOException {
        Files.writeString(path, "pid 123\n");
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
        return path;
    }

    private static FleetConfig fleet(String cleaner) {
        return TestFleet.create().cleaner(cleaner).config();
    }
}
