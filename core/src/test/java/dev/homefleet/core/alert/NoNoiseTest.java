package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.AlertsSpec.Day;
import dev.homefleet.core.config.AlertsSpec.Maintenance;
import dev.homefleet.core.config.AlertsSpec.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages a person can act on, and no more of them than needed: one per incident, one per burst, held through
 * maintenance, filtered and muted as fleet.yaml says. Simulated time starts Saturday 2025-06-07 14:00 UTC.
 */
class NoNoiseTest extends TelegramTestBase {

    private static final Duration AFTER_BURST = Duration.ofSeconds(31);

    private Instant now() {
        return time.instant();
    }

    /** Moves simulated time on, ticks, and delivers: what the phone shows by then. */
    private List<String> after(Duration duration) throws InterruptedException {
        time.advance(duration);
        notifier.tick();
        notifier.sender().drain(1_000);
        return telegram.texts();
    }

    @Test
    void the_first_message_says_what_where_since_when_and_what_the_healer_did() throws Exception {
        open();
        Instant down = now();
        notifier.accept(Alerts.down("macmini", "aphos-server-prod", 2567, down));
        notifier.accept(Alerts.healer("macmini", "aphos-server-prod", down.plusSeconds(5), "restarted", Severity.WARNING));
        notifier.accept(Alerts.healer("macmini", "aphos-server-prod", down.plusSeconds(15), "restarted", Severity.WARNING));
        notifier.accept(Alerts.healer("macmini", "aphos-server-prod", down.plusSeconds(16), "still down, gave up",
                Severity.CRITICAL));

        List<String> texts = after(AFTER_BURST);

        assertThat(texts).singleElement().asString()
                .startsWith("🔴 <b>macmini/aphos-server-prod is down</b>")
                .contains("\nconnection refused (3 failed checks in a row)\n")
                .contains("port 2567")
                .contains("since 14:00")
                .contains("Healer: restarted twice, still down, gave up");
    }

    @Test
    void repeats_inside_the_window_are_folded_into_one_message_and_the_end_is_the_second() throws Exception {
        open();
        for (int i = 0; i < 5; i++) {
            notifier.accept(Alerts.down("macmini", "aphos-server-prod", 2567, now()));
            after(Duration.ofMinutes(1));
        }
        assertThat(telegram.texts()).hasSize(1);

        notifier.accept(Alerts.up("macmini", "aphos-server-prod", now(), 750));
        List<String> texts = after(AFTER_BURST);

        assertThat(texts).hasSize(2);
        assertThat(texts.get(1)).startsWith("✅ <b>macmini/aphos-server-prod is up again after 12m 30s</b>")
                .contains("down since 14:00");
    }

    @Test
    void the_resolved_message_tells_the_outage_and_what_the_healer_did() throws Exception {
        open();
        notifier.accept(Alerts.down("macmini", "aphos-server-prod", 2567, now()));
        after(AFTER_BURST);
        notifier.accept(Alerts.healer("macmini", "aphos-server-prod", now(), "restarted", Severity.WARNING));
        notifier.accept(Alerts.healer("macmini", "aphos-server-prod", now(), "restarted", Severity.WARNING));
        notifier.accept(Alerts.healer("macmini", "aphos-server-prod", now(), "still down, gave up", Severity.CRITICAL));
        assertThat(after(Duration.ofMinutes(5))).hasSize(1);

        notifier.accept(Alerts.up("macmini", "aphos-server-prod", now(), 3 * 3600 + 300));
        List<String> texts = after(AFTER_BURST);

        assertThat(texts).hasSize(2);
        assertThat(texts.get(1)).contains("is up again after 3h 5m")
                .contains("Healer: restarted twice, still down, gave up");
    }

    @Test
    void a_burst_of_ten_services_going_down_with_their_machine_is_one_message() throws Exception {
        open();
        notifier.accept(Alerts.machineDown("macmini", now()));
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofMillis(300));
            notifier.accept(Alerts.down("macmini", "service-" + i, 3000 + i, now()));
        }

        List<String> texts = after(AFTER_BURST);

        assertThat(texts).singleElement().asString()
                .startsWith("🔴 <b>11 problems</b>")
                .contains("<b>macmini does not answer</b>")
                .contains("• 🔴 <b>service-0</b> :3000 is down · since 14:00, 33s ago — connection refused (3 failed")
                .contains("• 🔴 <b>service-9</b> :3009 is down")
                .doesNotContain("macmini/service-0 is down");
        assertThat(after(Duration.ofMinutes(5))).hasSize(1);

        notifier.accept(Alerts.machineUp("macmini", now()));
        for (int i = 0; i < 10; i++) {
            notifier.accept(Alerts.up("macmini", "service-" + i, now(), 330));
        }
        List<String> back = after(AFTER_BURST);
        assertThat(back).hasSize(2);
        assertThat(back.get(1)).startsWith("✅ <b>11 resolved</b>").contains("macmini answers again");
    }

    @Test
    void a_problem_that_ends_inside_the_burst_window_is_a_single_message() throws Exception {
        open();
        notifier.accept(Alerts.down("macmini", "aphos-server-dev", 2568, now()));
        time.advance(Duration.ofSeconds(12));
        notifier.accept(Alerts.up("macmini", "aphos-server-dev", now(), 12));

        List<String> texts = after(AFTER_BURST);

        assertThat(texts).singleElement().asString()
                .startsWith("✅ <b>macmini/aphos-server-dev is up again after 12s</b>")
                .contains("connection refused");
    }

    @Test
    void a_flapping_service_is_told_at_most_once_per_fold_window() throws Exception {
        open();
        notifier.accept(Alerts.down("macmini", "web", 3000, now()));
        after(AFTER_BURST);
        notifier.accept(Alerts.up("macmini", "web", now(), 31));
        after(AFTER_BURST); // told: down, then up (at 14:01:02)
        for (int i = 0; i < 3; i++) {
            notifier.accept(Alerts.down("macmini", "web", 3000, now()));
            after(Duration.ofMinutes(1));
            notifier.accept(Alerts.up("macmini", "web", now(), 60));
            after(Duration.ofMinutes(1));
        }
        notifier.accept(Alerts.down("macmini", "web", 3000, now()));
        assertThat(after(Duration.ofMinutes(1))).hasSize(2);

        List<String> texts = after(Duration.ofMinutes(3)); // the fold window since the last message has passed

        assertThat(texts).hasSize(3);
        assertThat(texts.get(2)).startsWith("🔴 <b>macmini/web is down again</b>")
                .contains("it came back and failed again 4 times");
    }

    @Test
    void an_open_incident_is_recalled_every_remind_interval_until_it_ends() throws Exception {
        spec.remind = Duration.ofHours(2);
        open();
        notifier.accept(Alerts.down("macmini", "web", 3000, now()));
        after(AFTER_BURST);
        assertThat(after(Duration.ofHours(1))).hasSize(1);

        List<String> texts = after(Duration.ofHours(1));

        assertThat(texts).hasSize(2);
        assertThat(texts.get(1)).startsWith("⏰ <b>macmini/web is still down</b>").contains("since 14:00, 2h ago");
        notifier.accept(Alerts.up("macmini", "web", now(), 7200));
        after(AFTER_BURST);
        assertThat(after(Duration.ofHours(5))).hasSize(3);
    }

    @Test
    void a_maintenance_window_holds_alerts_drops_what_ends_inside_it_and_tells_what_outlasts_it() throws Exception {
        spec.maintenance.add(new Maintenance(List.of(Day.SAT, Day.SUN), "14:00", "16:00", null, "UTC", List.of(),
                List.of("aphos-server-dev", "macmini/web"), "weekend deploys"));
        open();
        notifier.accept(Alerts.down("macmini", "aphos-server-dev", 2568, now().plusSeconds(300)));
        notifier.accept(Alerts.down("macmini", "web", 3000, now().plusSeconds(300)));
        notifier.accept(Alerts.down("macbook", "clawdbot-gateway", 18789, now().plusSeconds(300)));
        List<String> during = after(Duration.ofMinutes(10));
        assertThat(during).singleElement().asString().contains("macbook/clawdbot-gateway is down");

        notifier.accept(Alerts.up("macmini", "aphos-server-dev", now(), 1800));
        List<String> stillDuring = after(Duration.ofMinutes(100)); // 15:50
        assertThat(stillDuring).hasSize(1);

        List<String> afterwards = after(Duration.ofMinutes(11)); // 16:01

        assertThat(afterwards).hasSize(2);
        assertThat(afterwards.get(1)).startsWith("🔴 <b>macmini/web is down</b>").contains("since 14:05");
        assertThat(String.join("\n", afterwards)).doesNotContain("aphos-server-dev");
    }

    @Test
    void a_one_off_window_holds_only_between_from_and_until() throws Exception {
        spec.maintenance.add(new Maintenance(List.of(), "2025-06-07 14:30", null, "2025-06-07T15:00:00Z", "UTC",
                List.of("macmini"), List.of(), null));
        open();
        notifier.accept(Alerts.machineDown("macmini", now()));
        assertThat(after(AFTER_BURST)).hasSize(1); // 14:00: before the window
        notifier.accept(Alerts.machineUp("macmini", now()));
        after(AFTER_BURST);

        time.set(Instant.parse("2025-06-07T14:40:00Z"));
        notifier.accept(Alerts.machineDown("macmini", now()));
        assertThat(after(AFTER_BURST)).hasSize(2);
        notifier.accept(Alerts.machineUp("macmini", now()));

        assertThat(after(Duration.ofHours(1))).hasSize(2);
    }

    @Test
    void muted_services_are_silent_in_config_and_for_as_long_as_a_mute_from_the_chat_lasts() throws Exception {
        spec.muted.add("macmini/aphos-web");
        open();
        notifier.mutes().mute("aphos-server-dev", Duration.ofHours(2), "test");

        notifier.accept(Alerts.down("macmini", "aphos-web", 4000, now()));
        notifier.accept(Alerts.down("macmini", "aphos-server-dev", 2568, now()));
        assertThat(after(AFTER_BURST)).isEmpty();

        time.advance(Duration.ofHours(2));
        notifier.accept(Alerts.down("macmini", "aphos-web", 4000, now()));
        notifier.accept(Alerts.down("macmini", "aphos-server-dev", 2568, now()));

        assertThat(after(AFTER_BURST)).singleElement().asString().contains("macmini/aphos-server-dev is down")
                .doesNotContain("aphos-web");
    }

    @Test
    void severity_and_event_types_filter_what_is_sent() throws Exception {
        spec.events.add("service.gave-up");
        spec.events.add("checkin.*");
        open();
        notifier.accept(Alerts.down("macmini", "web", 3000, now()));
        notifier.accept(Alerts.machineDown("macbook", now()));
        notifier.accept(Alert.notice("job:cleaner", "job.finished").severity(Severity.INFO).at(now())
                .text("cleaner done").build());
        notifier.accept(Alert.problem("checkin:heartbeat-bot", "checkin.late").severity(Severity.WARNING)
                .machine("macbook").at(now()).text("heartbeat-bot is late").build());
        notifier.accept(Alerts.healer("macmini", "web", now(), "still down, gave up", Severity.CRITICAL));

        List<String> texts = after(AFTER_BURST);

        assertThat(texts).singleElement().asString().startsWith("🔴 <b>2 problems</b>")
                .contains("heartbeat-bot").contains("web").doesNotContain("macbook does not answer")
                .doesNotContain("cleaner");
    }

    @Test
    void a_worse_turn_of_an_open_incident_is_told() throws Exception {
        open();
        notifier.accept(Alert.problem("checkin:git-auto-sync", "checkin.late").severity(Severity.WARNING)
                .machine("macbook").at(now()).text("git-auto-sync is late: no report for 20m").build());
        after(AFTER_BURST);
        notifier.accept(Alert.problem("checkin:git-auto-sync", "checkin.down").severity(Severity.CRITICAL)
                .machine("macbook").at(now()).text("git-auto-sync is down: it missed two runs").build());

        List<String> texts = after(AFTER_BURST);

        assertThat(texts).hasSize(2);
        assertThat(texts.get(0)).startsWith("🟠 <b>git-auto-sync is late</b>");
        assertThat(texts.get(1)).startsWith("🔴 <b>git-auto-sync is down (now critical)</b>")
                .contains("it missed two runs");
    }

    @Test
    void a_notice_repeated_inside_the_fold_window_is_told_once_then_once_more_with_a_count() throws Exception {
        open();
        for (int i = 0; i < 3; i++) {
            notifier.accept(Alert.notice("port:macmini:2567", "port.conflict").severity(Severity.WARNING)
                    .machine("macmini").at(now()).text("port 2567 on macmini is held by node (pid 4242)").build());
            after(Duration.ofMinutes(2));
        }
        assertThat(telegram.texts()).hasSize(1); // told at 14:02; the repeats wait for the fold window

        List<String> texts = after(Duration.ofMinutes(7)); // 14:13, past 14:02 + 10m

        assertThat(texts).hasSize(2);
        assertThat(texts.get(0)).startsWith("🟠 <b>macmini:2567 has a port conflict</b>");
        assertThat(texts.get(1)).contains("reported 3 times in all");
    }

    @Test
    void everything_from_the_fleet_is_escaped() throws Exception {
        open();
        notifier.accept(Alert.problem("macmini/x", "service.down").service("macmini", "x").at(now())
                .text("check said <script>alert(1)</script> & left").build());

        List<String> texts = after(AFTER_BURST);

        assertThat(texts).singleElement().asString()
                .contains("check said &lt;script&gt;alert(1)&lt;/script&gt; &amp; left")
                .doesNotContain("<script>");
    }

    @Test
    void incidents_survive_a_restart_so_the_end_is_still_told_with_its_outage() throws Exception {
        open();
        notifier.accept(Alerts.down("macmini", "web", 3000, now()));
        after(AFTER_BURST);
        notifier.close();

        open();
        time.advance(Duration.ofMinutes(20));
        notifier.accept(Alert.resolved("macmini/web", "service.up").service("macmini", "web").at(now())
                .text("web is up again").build());
        List<String> texts = after(AFTER_BURST);

        assertThat(texts).hasSize(2);
        assertThat(texts.get(1)).startsWith("✅ <b>macmini/web is up again after 20m 31s</b>");
    }

    @Test
    void a_resolution_without_a_told_problem_says_nothing() throws Exception {
        open();
        notifier.accept(Alerts.up("macmini", "web", now(), 60));
        notifier.accept(Alerts.machineUp("macmini", now()));

        assertThat(after(AFTER_BURST)).isEmpty();
    }

    @Test
    void a_healer_note_story_counts_runs_of_the_same_note() {
        assertThat(AlertText.story(List.of("restarted", "restarted", "still down, gave up")))
                .isEqualTo("restarted twice, still down, gave up");
        assertThat(AlertText.story(List.of("restarted", "restarted", "restarted", "restarted, it answered again")))
                .isEqualTo("restarted 3 times, restarted, it answered again");
        assertThat(AlertText.human(Duration.ofSeconds(750))).isEqualTo("12m 30s");
        assertThat(AlertText.human(Duration.ofHours(50))).isEqualTo("2d 2h");
    }
}
