package dev.homefleet.controller.checkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.CheckinStatus;
import dev.homefleet.controller.store.Report;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.CheckinSpec;
import dev.homefleet.core.config.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckinTrackerTest {

    /** A Monday. */
    private static final Instant T0 = Instant.parse("2025-06-02T10:01:00Z");
    private static final Duration GRACE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(T0, ZoneOffset.UTC);
    private final List<FleetEvent> events = new ArrayList<>();
    private Store store;
    private EventBus bus;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("homefleet.db"));
        bus = new EventBus(store::append);
        bus.subscribe("test", events::add);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private CheckinTracker tracker(CheckinSpec... specs) {
        return new CheckinTracker(List.of(specs), store, bus, clock);
    }

    private static CheckinSpec spec(String name, String schedule) {
        return new CheckinSpec(name, "macbook", Schedule.parse(schedule), GRACE, null, null, null);
    }

    private static List<EventType> types(List<FleetEvent> list) {
        return list.stream().map(FleetEvent::type).toList();
    }

    @Test
    void a_checkin_that_never_reported_stays_new_however_long_it_is_quiet() {
        CheckinTracker tracker = tracker(spec("backup", "@every 1h"));
        tracker.evaluate(T0.plus(Duration.ofDays(3)));
        CheckinStatus status = tracker.snapshot().get("backup");
        assertThat(status.state()).isEqualTo(CheckinTracker.NEW);
        assertThat(status.since()).isEqualTo(T0);
        assertThat(status.lastReport()).isNull();
        assertThat(events).isEmpty();
    }

    @Test
    void an_interval_job_goes_late_after_its_period_and_grace_then_down_a_period_later_then_recovers() {
        CheckinTracker tracker = tracker(spec("backup", "@every 1h"));
        tracker.report("backup", ReportStatus.OK, "2 GB copied", "test");
        assertThat(tracker.snapshot().get("backup")).isEqualTo(new CheckinStatus("backup", "macbook",
                CheckinTracker.UP, T0, T0, "ok", "2 GB copied", T0.plus(Duration.ofHours(1))));
        assertThat(types(events)).containsExactly(EventType.JOB_REPORT);

        Instant lateAt = T0.plus(Duration.ofHours(1)).plus(GRACE);
        tracker.evaluate(lateAt);
        assertThat(tracker.snapshot().get("backup").state()).as("exactly at the deadline").isEqualTo("up");
        tracker.evaluate(lateAt.plusSeconds(1));
        tracker.evaluate(lateAt.plus(Duration.ofMinutes(30)));
        CheckinStatus late = tracker.snapshot().get("backup");
        assertThat(late.state()).isEqualTo(CheckinTracker.LATE);
        assertThat(late.since()).isEqualTo(lateAt);
        assertThat(types(events)).as("late is announced once").containsExactly(EventType.JOB_REPORT,
                EventType.CHECKIN_LATE);
        FleetEvent lateEvent = events.get(1);
        assertThat(lateEvent.severity()).isEqualTo(Severity.WARNING);
        assertThat(lateEvent.subject()).isEqualTo("backup");
        assertThat(lateEvent.machine()).isEqualTo("macbook");
        assertThat(lateEvent.message()).isEqualTo("backup is late: no report for 1h5m; its run due 11:01 has not "
                + "reported within its grace of 5m");
        assertThat(lateEvent.data()).containsEntry("due_at", "2025-06-02T11:01:00Z")
                .containsEntry("last_report", "2025-06-02T10:01:00Z").containsEntry("grace", "5m")
                .containsEntry("schedule", "@every 1h");

        Instant downAt = T0.plus(Duration.ofHours(2)).plus(GRACE);
        tracker.evaluate(downAt.plusSeconds(1));
        CheckinStatus down = tracker.snapshot().get("backup");
        assertThat(down.state()).isEqualTo(CheckinTracker.DOWN);
        assertThat(down.since()).isEqualTo(downAt);
        assertThat(events.get(2).type()).isEqualTo(EventType.CHECKIN_DOWN);
        assertThat(events.get(2).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(events.get(2).message()).isEqualTo("backup is down: no report for 2h5m; it missed its runs due "
                + "11:01 and 12:01 (grace 5m)");

        Instant back = clock.set(downAt.plus(Duration.ofMinutes(10)));
        tracker.report("backup", ReportStatus.WARNING, "slow disk", "test");
        assertThat(types(events)).endsWith(EventType.JOB_REPORT, EventType.CHECKIN_RECOVERED);
        assertThat(events.get(4).message()).isEqualTo("backup reported again after being down for 10m");
        assertThat(tracker.snapshot().get("backup")).isEqualTo(new CheckinStatus("backup", "macbook",
                CheckinTracker.UP, back, back, "warning", "slow disk", back.plus(Duration.ofHours(1))));
    }

    @Test
    void a_cron_job_is_due_at_its_next_fire_time_after_its_last_report() {
        CheckinTracker tracker = tracker(spec("git-auto-sync", "*/15 * * * *"));
        tracker.report("git-auto-sync", ReportStatus.OK, "", "test");
        assertThat(tracker.snapshot().get("git-auto-sync").dueAt()).isEqualTo(Instant.parse("2025-06-02T10:15:00Z"));

        tracker.evaluate(Instant.parse("2025-06-02T10:20:00Z"));
        assertThat(tracker.snapshot().get("git-auto-sync").state()).isEqualTo("up");
        tracker.evaluate(Instant.parse("2025-06-02T10:20:01Z"));
        assertThat(tracker.snapshot().get("git-auto-sync").state()).isEqualTo("late");
        tracker.evaluate(Instant.parse("2025-06-02T10:35:00Z"));
        assertThat(tracker.snapshot().get("git-auto-sync").state()).isEqualTo("late");
        tracker.evaluate(Instant.parse("2025-06-02T10:35:01Z"));
        assertThat(tracker.snapshot().get("git-auto-sync").state()).isEqualTo("down");
        assertThat(tracker.snapshot().get("git-auto-sync").since()).isEqualTo(Instant.parse("2025-06-02T10:35:00Z"));
    }

    @Test
    void a_cron_schedule_is_read_in_the_controllers_time_zone() {
        TestClock saoPaulo = new TestClock(Instant.parse("2025-06-02T13:00:30Z"), ZoneId.of("America/Sao_Paulo"));
        CheckinTracker tracker = new CheckinTracker(List.of(spec("lume-update", "0 10 * * *")), store, bus, saoPaulo);
        tracker.report("lume-update", ReportStatus.OK, "", "test");
        assertThat(tracker.snapshot().get("lume-update").dueAt()).isEqualTo(Instant.parse("2025-06-03T13:00:00Z"));
    }

    @Test
    void a_controller_that_was_not_looking_for_two_periods_announces_down_only() {
        CheckinTracker tracker = tracker(spec("backup", "@every 1h"));
        tracker.report("backup", ReportStatus.OK, "", "test");
        tracker.evaluate(T0.plus(Duration.ofHours(5)));
        assertThat(types(events)).containsExactly(EventType.JOB_REPORT, EventType.CHECKIN_DOWN);
    }

    @ParameterizedTest
    @CsvSource({"ok, INFO", "warning, WARNING", "critical, CRITICAL", "' Critical ', CRITICAL"})
    void a_reports_status_decides_its_events_severity(String status, Severity severity) {
        CheckinTracker tracker = tracker(spec("cleaner", "@every 1h"));
        Report report = tracker.report("cleaner", ReportStatus.parse(status), "Cleaned 5 orphans", "test");
        FleetEvent event = events.get(0);
        assertThat(event.type()).isEqualTo(EventType.JOB_REPORT);
        assertThat(event.severity()).isEqualTo(severity);
        assertThat(event.message()).isEqualTo("cleaner reported " + status.strip().toLowerCase()
                + ": Cleaned 5 orphans");
        assertThat(event.data()).containsEntry("report_id", (int) report.id());
        assertThat(store.events(null, EventType.JOB_REPORT, 5)).containsExactly(event);
    }

    @Test
    void an_unknown_status_is_refused_naming_the_allowed_ones() {
        assertThatThrownBy(() -> ReportStatus.parse("error"))
                .hasMessage("'error' is not a report status; use one of ok, warning, critical");
    }

    @Test
    void a_report_from_an_unknown_job_is_refused_naming_the_known_ones_and_not_stored() {
        CheckinTracker tracker = tracker(spec("cleaner", "@every 1h"), spec("backup", "@daily"));
        assertThatThrownBy(() -> tracker.report("bot-name", ReportStatus.OK, "", "test"))
                .isInstanceOf(UnknownCheckinException.class)
                .hasMessage("no check-in named 'bot-name' in fleet.yaml; the known ones are cleaner, backup "
                        + "(add it under checkins: to track it)");
        assertThat(store.reports(null, 10)).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void a_paused_checkin_is_never_late_keeps_its_reports_and_counts_from_its_resumption() {
        CheckinTracker tracker = tracker(spec("backup", "@every 1h"));
        tracker.report("backup", ReportStatus.OK, "", "test");
        clock.advance(Duration.ofMinutes(10));
        tracker.pause("backup");
        tracker.evaluate(T0.plus(Duration.ofDays(2)));
        assertThat(tracker.snapshot().get("backup").state()).isEqualTo(CheckinTracker.PAUSED);
        assertThat(tracker.snapshot().get("backup").dueAt()).isNull();

        Instant during = clock.set(T0.plus(Duration.ofDays(2)));
        tracker.report("backup", ReportStatus.OK, "ran by hand", "test");
        assertThat(tracker.snapshot().get("backup").state()).isEqualTo(CheckinTracker.PAUSED);
        assertThat(tracker.snapshot().get("backup").lastReport()).isEqualTo(during);
        assertThat(types(events)).containsExactly(EventType.JOB_REPORT, EventType.JOB_REPORT);

        Instant resumed = clock.set(T0.plus(Duration.ofDays(3)));
        tracker.resume("backup");
        assertThat(tracker.snapshot().get("backup").state()).isEqualTo(CheckinTracker.UP);
        assertThat(tracker.snapshot().get("backup").dueAt()).isEqualTo(resumed.plus(Duration.ofHours(1)));
        tracker.evaluate(resumed.plus(Duration.ofMinutes(30)));
        assertThat(tracker.snapshot().get("backup").state()).isEqualTo(CheckinTracker.UP);
        tracker.evaluate(resumed.plus(Duration.ofMinutes(66)));
        assertThat(tracker.snapshot().get("backup").state()).isEqualTo(CheckinTracker.LATE);
    }

    @Test
    void a_restarted_controller_resumes_each_state_without_announcing_it_again() {
        CheckinTracker first = tracker(spec("backup", "@every 1h"), spec("cleaner", "@every 1h"));
        first.report("backup", ReportStatus.OK, "", "test");
        first.evaluate(T0.plus(Duration.ofHours(3)));
        Instant downSince = first.snapshot().get("backup").since();
        store.close();
        events.clear();

        store = Store.open(dir.resolve("homefleet.db"));
        bus = new EventBus(store::append);
        bus.subscribe("test", events::add);
        clock.set(T0.plus(Duration.ofHours(4)));
        CheckinTracker second = tracker(spec("backup", "@every 1h"), spec("cleaner", "@every 1h"));
        assertThat(second.snapshot().get("backup").state()).isEqualTo(CheckinTracker.DOWN);
        assertThat(second.snapshot().get("backup").since()).isEqualTo(downSince);
        assertThat(second.snapshot().get("cleaner").state()).isEqualTo(CheckinTracker.NEW);
        assertThat(second.snapshot().get("cleaner").since()).isEqualTo(T0);
        second.evaluate();
        assertThat(events).isEmpty();

        second.report("backup", ReportStatus.OK, "", "test");
        assertThat(types(events)).containsExactly(EventType.JOB_REPORT, EventType.CHECKIN_RECOVERED);
    }

    @Test
    void a_reload_keeps_the_state_of_names_that_stay_adds_new_ones_and_drops_removed_ones() {
        CheckinTracker tracker = tracker(spec("backup", "@every 1h"), spec("cleaner", "@every 1h"));
        tracker.report("backup", ReportStatus.OK, "kept", "test");
        clock.advance(Duration.ofMinutes(50));

        tracker.replace(List.of(spec("backup", "@every 1h"), spec("crash-monitor", "* * * * *")));

        assertThat(tracker.names()).containsExactly("backup", "crash-monitor");
        assertThat(tracker.snapshot().get("backup").lastMessage()).isEqualTo("kept");
        assertThat(tracker.snapshot().get("backup").dueAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(tracker.snapshot().get("crash-monitor").state()).isEqualTo(CheckinTracker.NEW);
        assertThatThrownBy(() -> tracker.report("cleaner", ReportStatus.OK, "", "test"))
                .isInstanceOf(UnknownCheckinException.class);
    }

    @Test
    void a_tighter_schedule_counts_from_the_reload_so_it_does_not_make_the_job_late_at_once() {
        CheckinTracker tracker = tracker(spec("backup", "@every 1h"));
        tracker.report("backup", ReportStatus.OK, "", "test");
        Instant reload = clock.advance(Duration.ofMinutes(50));

        tracker.replace(List.of(spec("backup", "@every 10m")));
        tracker.evaluate(reload);

        assertThat(tracker.snapshot().get("backup").state()).isEqualTo(CheckinTracker.UP);
        assertThat(tracker.snapshot().get("backup").dueAt()).isEqualTo(reload.plus(Duration.ofMinutes(10)));
        assertThat(events).extracting(FleetEvent::type).containsExactly(EventType.JOB_REPORT);
    }
}
