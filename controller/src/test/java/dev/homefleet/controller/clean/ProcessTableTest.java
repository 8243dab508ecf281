package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessTableTest {

    /** {@code ps -ww -x -U 501 -o pid=,ppid=,state=,etime=,args=} on macOS 14, after the marker line. */
    static final String MACOS = """
            homefleet-ps 4711
                1     0 Ss   12-03:04:05 /sbin/launchd
              412     1 S       02:13:07 /usr/libexec/UserEventAgent (Aqua)
              733     1 S     1-00:00:01 /Applications/Safari.app/Contents/MacOS/Safari
              901     1 S       03:10:00 node /Users/felipe/clawd/bots/heartbeat.js --every 60m
              902     1 S          00:42 /opt/homebrew/bin/python3 -m http.server 3001
              950   901 Z          10:00 (node)
             4700  4690 S          00:01 /bin/zsh -c echo homefleet-ps $$; exec ps
             4711  4700 R+         00:00 ps -ww -x -U 501 -o pid=,ppid=,state=,etime=,args=
            """;

    /** The same on Debian (procps-ng 4): one-letter states, kernel threads in brackets, zombies as [x] <defunct>. */
    static final String LINUX = """
            homefleet-ps 812
                1     0 S    2-01:00:00 /sbin/init splash
             2048     1 S         01:59:59 sleep 300
             2049     1 S   3-07:07:07 /usr/bin/python3 /home/felipe/with spaces/worker.py  --flag
             2050     1 Z         05:00 [sleep] <defunct>
              812   800 R         00:00 ps -ww -x -U 1000 -o pid=,ppid=,state=,etime=,args=
            """;

    @Test
    void a_macos_listing_gives_pid_parent_age_and_the_whole_command_line() throws IOException {
        Listing listing = ProcessTable.parse(MACOS);

        assertThat(listing.listerPid()).isEqualTo(4711);
        assertThat(listing.unreadable()).isEmpty();
        assertThat(listing.processes()).extracting(ProcessInfo::pid)
                .containsExactly(1L, 412L, 733L, 901L, 902L, 4700L, 4711L);
        assertThat(listing.process(1)).contains(new ProcessInfo(1, 0,
                Duration.ofDays(12).plusHours(3).plusMinutes(4).plusSeconds(5), "/sbin/launchd"));
        assertThat(listing.process(901)).contains(new ProcessInfo(901, 1, Duration.ofHours(3).plusMinutes(10),
                "node /Users/felipe/clawd/bots/heartbeat.js --every 60m"));
        assertThat(listing.process(733).orElseThrow().age()).isEqualTo(Duration.ofDays(1).plusSeconds(1));
        assertThat(listing.process(902).orElseThrow().age()).isEqualTo(Duration.ofSeconds(42));
        assertThat(listing.process(902).orElseThrow().program()).isEqualTo("python3");
    }

    @Test
    void a_linux_listing_keeps_blanks_inside_the_command_line_and_skips_zombies() throws IOException {
        Listing listing = ProcessTable.parse(LINUX);

        assertThat(listing.processes()).extracting(ProcessInfo::pid).containsExactly(1L, 2048L, 2049L, 812L);
        assertThat(listing.process(2049).orElseThrow().command())
                .isEqualTo("/usr/bin/python3 /home/felipe/with spaces/worker.py  --flag");
        assertThat(listing.process(2049).orElseThrow().age())
                .isEqualTo(Duration.ofDays(3).plusHours(7).plusMinutes(7).plusSeconds(7));
        assertThat(listing.process(2048).orElseThrow().age()).isEqualTo(Duration.ofHours(1).plusMinutes(59)
                .plusSeconds(59));
        assertThat(listing.process(2050)).isEmpty();
    }

    @Test
    void a_login_banner_before_the_marker_is_ignored_and_a_garbled_row_is_set_aside() throws IOException {
        String output = "Welcome to felipes-mac-mini\nLast login: today\n" + MACOS + "  oops this is no row\n"
                + "  77 1 S 99:99 bad-etime\n";

        Listing listing = ProcessTable.parse(output);

        assertThat(listing.processes()).hasSize(7);
        assertThat(listing.unreadable()).containsExactly("  oops this is no row", "  77 1 S 99:99 bad-etime");
    }

    @Test
    void output_without_the_marker_is_no_listing() {
        assertThatThrownBy(() -> ProcessTable.parse("sh: 1: ps: not found\n"))
                .isInstanceOf(IOException.class)
                .hasMessage("the process listing has no 'homefleet-ps' line; the shell printed: sh: 1: ps: not found");
    }

    @ParameterizedTest
    @CsvSource({
            "00:00, 0",
            "00:01, 1",
            "59:59, 3599",
            "01:00:00, 3600",
            "23:59:59, 86399",
            "1-00:00:00, 86400",
            "12-03:04:05, 1047845",
            "400-00:00:01, 34560001",
            "7:05, 425",
    })
    void elapsed_times_in_every_form_ps_prints(String etime, long seconds) {
        assertThat(ProcessTable.etime(etime)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "00:60", "01:60:00", "1-24:00:00", "1-05:00", "a:bc", "-01:00", "12:34:56:78"})
    void what_is_not_an_elapsed_time_is_refused(String etime) {
        assertThat(ProcessTable.etime(etime)).isEmpty();
    }

    @Test
    void the_live_listing_here_shows_this_jvm_with_its_parent_and_the_chain_that_ran_ps() throws IOException {
        Listing listing = ProcessTable.list(new LocalCommandRunner(), Os.LINUX);

        ProcessHandle self = ProcessHandle.current();
        ProcessInfo jvm = listing.process(self.pid()).orElseThrow();
        assertThat(jvm.ppid()).isEqualTo(self.parent().orElseThrow().pid());
        assertThat(jvm.command()).contains("java");
        assertThat(listing.process(listing.listerPid()).orElseThrow().command()).startsWith("ps ");
        assertThat(listing.lister(Cleaner.INIT_PID)).contains(listing.listerPid(), self.pid());
        assertThat(listing.unreadable()).isEmpty();
    }

    @Test
    void windows_has_no_orphans_to_list_and_says_why_without_running_anything() throws IOException {
        CommandRunner refuses = Runners.refusing("msi");

        Listing listing = ProcessTable.list(refuses, Os.WINDOWS);

        assertThat(listing.processes()).isEmpty();
        assertThat(listing.unsupported())
                .isEqualTo("Windows does not hand a process whose parent exits to pid 1, so there are no orphans to find");
    }

    @Test
    void a_failing_ps_is_an_error_naming_the_machine_and_the_message() {
        CommandRunner runner = LocalCommandRunner.builder().environment("PATH", "/nonexistent").build();

        assertThatThrownBy(() -> ProcessTable.list(runner, Os.LINUX))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("ps failed on local (exit 127): ");
    }
}
