package dev.homefleet.controller.heal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.heal.HealerReport.Deferred;
import dev.homefleet.controller.heal.HealerReport.Failed;
import dev.homefleet.controller.heal.HealerReport.GaveUp;
import dev.homefleet.controller.heal.HealerReport.LeftAlone;
import dev.homefleet.controller.heal.HealerReport.Restarted;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealerReportTest {

    private static final Instant AT = Instant.parse("2025-03-01T08:00:00Z");

    @Test
    void the_summary_is_one_line_of_what_the_run_did() {
        HealerReport report = new HealerReport(AT,
                List.of(new Restarted("macmini", "aphos-server-dev", 1, true, "up 0.4 s after the restart"),
                        new Restarted("macmini", "clawd-bot", 2, false, "it did not answer its check within 30s")),
                List.of(),
                List.of(new GaveUp("macmini", "x", 3, "exited with status 1")),
                List.of(new Deferred("msi", "ollama", "deferred to the next run: 2 restarts per run"
                        + " (jobs.healer.max_restarts_per_run)")),
                List.of());

        assertThat(report.summary()).isEqualTo("restarted 1 (up), 1 still down; gave up on macmini/x; 1 deferred");
        assertThat(report.lines()).containsExactly(
                "macmini/aphos-server-dev: restarted (restart 1), up: up 0.4 s after the restart",
                "macmini/clawd-bot: restarted (restart 2), still down: it did not answer its check within 30s",
                "macmini/x: gave up after 3 restarts; last error: exited with status 1",
                "msi/ollama: deferred to the next run: 2 restarts per run (jobs.healer.max_restarts_per_run)");
    }

    @Test
    void failures_and_services_left_alone_are_named_or_counted() {
        HealerReport report = new HealerReport(AT, List.of(),
                List.of(new Failed("macmini", "clawd-bot", 1, "pm2: process or namespace not found")),
                List.of(), List.of(),
                List.of(new LeftAlone("macmini", "crabwalk", AT), new LeftAlone("msi", "ollama", AT)));

        assertThat(report.summary()).isEqualTo("restart failed on macmini/clawd-bot; 2 left alone (gave up"
                + " earlier)");
        assertThat(report.lines()).containsExactly(
                "macmini/clawd-bot: restart 1 failed: pm2: process or namespace not found",
                "macmini/crabwalk: left alone: gave up at 2025-03-01T08:00:00Z",
                "msi/ollama: left alone: gave up at 2025-03-01T08:00:00Z");
    }
}
