package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.clean.OrphanOutcome.Action;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanerReportTest {

    private static final ProcessInfo LEAK = new ProcessInfo(901, 1, Duration.ofHours(3).plusMinutes(10),
            "node /Users/f/clawd/bots/leak.js");
    private static final ProcessInfo BOT = new ProcessInfo(902, 1, Duration.ofDays(2).plusHours(1), "python3 bot.py");
    private static final Finding STRAY = new Finding(Finding.Kind.UNDECLARED_IN_RANGE, "mini", 2570, "0.0.0.0", 77,
            "node", null, "aphos", "node (pid 77) listens on mini:2570 ...");

    @Test
    void the_summary_is_one_line_with_every_count() {
        CleanerReport report = new CleanerReport("mini",
                List.of(new OrphanOutcome(LEAK, Action.KILLED, "SIGTERM sent"),
                        new OrphanOutcome(BOT, Action.REPORTED, "no kill_orphans pattern matches it")),
                new Simulators(0, 20, false, null), List.of("/a.lock", "/b.lock", "/c.lock"), List.of(STRAY),
                List.of(), List.of());

        assertThat(report.summary())
                .isEqualTo("2 orphans reported, 1 killed; 0 simulators; 3 stale locks removed; 1 port conflict");
        assertThat(report.ok()).isTrue();
    }

    @Test
    void singulars_failures_and_errors_show_in_the_summary() {
        CleanerReport report = new CleanerReport("mini",
                List.of(new OrphanOutcome(LEAK, Action.KILL_FAILED, "kill: (901): Operation not permitted")),
                new Simulators(24, 20, true, null), List.of("/a.lock"), List.of(STRAY, STRAY), List.of(),
                List.of("cannot list the listening sockets on mini: timed out"));

        assertThat(report.summary()).isEqualTo("1 orphan reported, 0 killed, 1 kill failed; 24 simulators, shut down;"
                + " 1 stale lock removed; 2 port conflicts; 1 error");
        assertThat(report.ok()).isFalse();
    }

    @Test
    void events_say_what_happened_to_each_orphan_and_carry_each_port_conflict() {
        CleanerReport report = new CleanerReport("mini",
                List.of(new OrphanOutcome(LEAK, Action.KILLED, "SIGTERM sent"),
                        new OrphanOutcome(BOT, Action.REPORTED, "no kill_orphans pattern matches it")),
                null, List.of(), List.of(STRAY), List.of(), List.of());

        List<FleetEvent> events = report.events();

        assertThat(events).extracting(FleetEvent::type)
                .containsExactly(EventType.ORPHAN_KILLED, EventType.ORPHAN_FOUND, EventType.PORT_CONFLICT);
        assertThat(events.get(0).message()).isEqualTo("stopped orphaned process 901 (node /Users/f/clawd/bots/leak.js)"
                + " on mini, running 3h 10m: it matches kill_orphans");
        assertThat(events.get(1).message()).isEqualTo("orphaned process 902 (python3 bot.py) on mini, running 2d 1h;"
                + " no kill_orphans pattern matches it");
        assertThat(events.get(1).subject()).isEqualTo("mini:pid 902");
        assertThat(events.get(1).data()).containsEntry("ageSeconds", Duration.ofDays(2).plusHours(1).toSeconds());
        assertThat(events.get(2).subject()).isEqualTo("mini:2570");
        assertThat(events.get(2).service()).isNull();
        assertThat(events.get(2).data()).containsEntry("project", "aphos").containsEntry("kind", "undeclared_in_range");
    }
}
