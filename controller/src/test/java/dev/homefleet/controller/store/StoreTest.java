package dev.homefleet.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.ControllerSpec.Retention;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("data").resolve("homefleet.db");
    }

    @Test
    void opening_creates_a_private_directory_and_file_in_wal_mode_at_the_latest_schema() throws Exception {
        try (Store store = Store.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(Schema.latest());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db().getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db()))).isEqualTo("rw-------");
        assertThat(pragma("journal_mode")).isEqualTo("wal");
        assertThat(pragma("user_version")).isEqualTo(String.valueOf(Schema.latest()));
    }

    @Test
    void reopening_keeps_everything_and_does_not_migrate_again() {
        long id;
        try (Store store = Store.open(db())) {
            id = store.append(event(EventType.SERVICE_DOWN, T0)).id();
        }
        try (Store store = Store.open(db())) {
            assertThat(store.events(null, null, 10)).extracting(FleetEvent::id).containsExactly(id);
            assertThat(store.schemaVersion()).isEqualTo(Schema.latest());
        }
    }

    @Test
    void a_database_from_a_newer_homefleet_is_refused_with_what_to_do() throws Exception {
        Store.open(db()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> Store.open(db()))
                .isInstanceOf(StoreException.class)
                .hasMessage(db() + " has schema version 99, but this homefleet knows versions up to "
                        + Schema.latest() + ": it was written by a newer homefleet. Run that version, or move the "
                        + "file aside to start an empty history");
    }

    @Test
    void a_file_that_is_not_a_database_is_refused_naming_it() throws Exception {
        Files.createDirectories(db().getParent());
        Files.writeString(db(), "these are my notes, not a database".repeat(100));
        assertThatThrownBy(() -> Store.open(db()))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot use " + db() + " as the store: ")
                .hasMessageContaining("not a database")
                .hasMessageEndingWith("point controller.database elsewhere or move it aside");
    }

    @Test
    void events_get_increasing_ids_and_come_back_with_their_data_newest_last() {
        try (Store store = Store.open(db())) {
            FleetEvent first = store.append(FleetEvent.of(EventType.SERVICE_RESTARTED).at(T0)
                    .service("macmini", "aphos-server-prod").message("restarted after 3 failed checks")
                    .data("failures", 3).data("ports", List.of(2567, 2568)).data("at", T0).build());
            FleetEvent second = store.append(event(EventType.MACHINE_DOWN, T0.plusSeconds(60)));
            FleetEvent third = store.append(event(EventType.SERVICE_RESTARTED, T0.plusSeconds(120)));

            assertThat(first.id()).isPositive();
            assertThat(second.id()).isGreaterThan(first.id());
            assertThat(third.id()).isGreaterThan(second.id());

            List<FleetEvent> all = store.events(null, null, 10);
            assertThat(all).containsExactly(first, second, third);
            FleetEvent read = all.get(0);
            assertThat(read.severity()).isEqualTo(Severity.WARNING);
            assertThat(read.target()).isEqualTo("macmini/aphos-server-prod");
            assertThat(read.data()).containsEntry("failures", 3).containsEntry("ports", List.of(2567, 2568))
                    .containsEntry("at", "2025-06-01T10:00:00Z");

            assertThat(store.events(T0.plusSeconds(60), null, 10)).containsExactly(second, third);
            assertThat(store.events(null, EventType.SERVICE_RESTARTED, 10)).containsExactly(first, third);
            assertThat(store.events(null, null, 2)).containsExactly(second, third);
        }
    }

    @Test
    void the_store_is_the_event_bus_recorder_so_a_published_event_is_on_disk_with_its_id() {
        try (Store store = Store.open(db())) {
            EventBus bus = new EventBus(store::append);
            List<FleetEvent> seen = new ArrayList<>();
            bus.subscribe("test", seen::add);
            FleetEvent published = bus.publish(FleetEvent.of(EventType.CONFIG_APPLIED).at(T0)
                    .message("fleet.yaml applied").build());
            assertThat(published.id()).isPositive();
            assertThat(seen).containsExactly(published);
            assertThat(store.events(null, EventType.CONFIG_APPLIED, 1)).containsExactly(published);
        }
    }

    @Test
    void an_event_time_is_kept_to_the_millisecond_and_returned_as_kept() {
        try (Store store = Store.open(db())) {
            Instant precise = Instant.parse("2025-06-01T10:00:00.123456789Z");
            FleetEvent appended = store.append(event(EventType.MACHINE_UP, precise));
            assertThat(appended.ts()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123Z"));
            assertThat(store.events(null, null, 1)).containsExactly(appended);
        }
    }

    @Test
    void samples_keep_the_percentages_as_columns_and_the_whole_reading() {
        MachineMetrics metrics = new MachineMetrics(T0, 37.5, 2.25, 24L << 30, 48L << 30, 1L << 30, 4L << 30,
                List.of(new DiskUsage("/", 400L << 30, 1000L << 30), new DiskUsage("/Volumes/ext", 900, 1000)),
                512, 86_400);
        try (Store store = Store.open(db())) {
            store.sample("macbook", T0, metrics);
            store.sample("macmini", T0, metrics);
            store.sample("macbook", T0.plusSeconds(30), metrics);

            List<Sample> samples = store.samples("macbook", T0);
            assertThat(samples).extracting(Sample::at).containsExactly(T0, T0.plusSeconds(30));
            Sample first = samples.get(0);
            assertThat(first.machine()).isEqualTo("macbook");
            assertThat(first.cpuPercent()).isEqualTo(37.5);
            assertThat(first.memoryPercent()).isEqualTo(50.0);
            assertThat(first.swapPercent()).isEqualTo(25.0);
            assertThat(first.diskPercent()).isEqualTo(90.0);
            assertThat(first.metrics()).isEqualTo(metrics);
            assertThat(store.samples("macbook", T0.plusSeconds(1))).hasSize(1);
        }
    }

    @Test
    void a_job_run_is_recorded_from_start_to_finish() {
        try (Store store = Store.open(db())) {
            long run = store.jobStarted("cleaner", T0);
            assertThat(store.jobRuns("cleaner", 5)).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isEqualTo(JobRun.RUNNING));
            store.jobFinished(run, T0.plusSeconds(4), JobRun.OK, "killed 2 orphans", Map.of("killed", List.of(41,
                    42)));
            store.jobStarted("healer", T0.plusSeconds(5));

            JobRun finished = store.jobRuns("cleaner", 5).get(0);
            assertThat(finished).isEqualTo(new JobRun(run, "cleaner", T0, T0.plusSeconds(4), JobRun.OK,
                    "killed 2 orphans", Map.of("killed", List.of(41, 42))));
            assertThat(store.jobRuns(null, 5)).extracting(JobRun::job).containsExactly("cleaner", "healer");
        }
    }

    @Test
    void finishing_a_run_twice_or_with_an_unknown_outcome_is_refused() {
        try (Store store = Store.open(db())) {
            long run = store.jobStarted("cleaner", T0);
            assertThatThrownBy(() -> store.jobFinished(run, T0, "done", null, null))
                    .hasMessage("'done' is not a job outcome; use ok, failed or abandoned");
            store.jobFinished(run, T0, JobRun.FAILED, "ssh timed out", null);
            assertThatThrownBy(() -> store.jobFinished(run, T0, JobRun.OK, null, null))
                    .hasMessage("job run " + run + " is not running: it does not exist or has already finished");
        }
    }

    @Test
    void runs_left_running_by_a_killed_controller_are_marked_abandoned_on_open() {
        long run;
        try (Store store = Store.open(db())) {
            run = store.jobStarted("heartbeat", T0);
        }
        try (Store store = Store.open(db())) {
            JobRun abandoned = store.jobRuns("heartbeat", 1).get(0);
            assertThat(abandoned.id()).isEqualTo(run);
            assertThat(abandoned.outcome()).isEqualTo(JobRun.ABANDONED);
            assertThat(abandoned.summary()).isEqualTo("the controller stopped while it ran");
        }
    }

    @Test
    void reports_are_stored_with_their_source_and_a_bad_status_is_refused() {
        try (Store store = Store.open(db())) {
            Report report = store.report("cleaner", "ok", "Cleaned 5 orphans", T0, "POST /api/log from 127.0.0.1");
            store.report("cleaner", "warning", "disk at 91%", T0.plusSeconds(60), "cli");
            store.report("lume-update", "critical", "", T0.plusSeconds(90), "cli");
            assertThat(report.id()).isPositive();
            assertThat(store.reports("cleaner", 10)).extracting(Report::status).containsExactly("ok", "warning");
            assertThat(store.reports(null, 10)).first().isEqualTo(report);
            assertThat(store.latestReports()).containsOnlyKeys("cleaner", "lume-update");
            assertThat(store.latestReports().get("cleaner").message()).isEqualTo("disk at 91%");
            assertThatThrownBy(() -> store.report("cleaner", "fine", "", T0, "cli"))
                    .hasMessage("'fine' is not a report status; use one of ok, warning, critical");
        }
    }

    @Test
    void checkin_state_is_saved_and_overwritten_per_name() {
        try (Store store = Store.open(db())) {
            store.saveCheckin(new CheckinRecord("cleaner", "new", T0, null, null, null, null));
            CheckinRecord down = new CheckinRecord("cleaner", "down", T0.plusSeconds(600), T0, T0, "ok", "fine");
            store.saveCheckin(down);
        }
        try (Store store = Store.open(db())) {
            assertThat(store.checkins()).containsExactly(Map.entry("cleaner",
                    new CheckinRecord("cleaner", "down", T0.plusSeconds(600), T0, T0, "ok", "fine")));
        }
    }

    @Test
    void purging_removes_each_kind_past_its_own_retention_and_keeps_running_runs() {
        Instant now = T0.plus(Duration.ofDays(40));
        try (Store store = Store.open(db())) {
            store.append(event(EventType.MACHINE_UP, now.minus(Duration.ofDays(31))));
            FleetEvent recent = store.append(event(EventType.MACHINE_UP, now.minus(Duration.ofDays(29))));
            store.sample("macbook", now.minus(Duration.ofDays(8)), metrics());
            store.sample("macbook", now.minus(Duration.ofDays(6)), metrics());
            long oldRun = store.jobStarted("cleaner", now.minus(Duration.ofDays(8)));
            store.jobFinished(oldRun, now.minus(Duration.ofDays(8)), JobRun.OK, null, null);
            store.jobStarted("cleaner", now.minus(Duration.ofDays(9)));
            store.report("cleaner", "ok", "", now.minus(Duration.ofHours(49)), "cli");
            store.report("cleaner", "ok", "", now.minus(Duration.ofHours(47)), "cli");

            Purged purged = store.purge(new Retention(null, null, null, null), now);

            assertThat(purged).isEqualTo(new Purged(1, 1, 1, 1));
            assertThat(purged.total()).isEqualTo(4);
            assertThat(store.events(null, null, 10)).containsExactly(recent);
            assertThat(store.samples("macbook", null)).hasSize(1);
            assertThat(store.jobRuns(null, 10)).extracting(JobRun::outcome).containsExactly(JobRun.RUNNING);
            assertThat(store.reports(null, 10)).hasSize(1);

            FleetEvent next = store.append(event(EventType.MACHINE_UP, now));
            assertThat(next.id()).as("ids of purged events are never handed out again").isGreaterThan(recent.id());
        }
    }

    @Test
    void a_transaction_keeps_all_or_none_of_its_writes() {
        try (Store store = Store.open(db())) {
            assertThatThrownBy(() -> store.atomically("test", () -> {
                store.report("cleaner", "ok", "", T0, "cli");
                store.saveCheckin(new CheckinRecord("cleaner", "up", T0, T0, T0, "ok", ""));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(store.reports(null, 10)).isEmpty();
            assertThat(store.checkins()).isEmpty();

            store.atomically("test", () -> store.report("cleaner", "ok", "", T0, "cli"));
            assertThat(store.reports(null, 10)).hasSize(1);
        }
    }

    @Test
    void threads_writing_at_once_each_get_their_own_id() throws Exception {
        int threads = 4;
        int each = 50;
        try (Store store = Store.open(db())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> ids = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        ids.add(i % 2 == 0 ? store.append(event(EventType.MACHINE_UP, T0)).id()
                                : store.report("cleaner", "ok", "", T0, "test").id());
                    }
                    return ids;
                }));
            }
            List<Long> eventAndReportIds = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                eventAndReportIds.addAll(f.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertThat(store.events(null, null, 1000)).hasSize(threads * each / 2);
            assertThat(store.reports(null, 1000)).hasSize(threads * each / 2);
            assertThat(store.events(null, null, 1000)).extracting(FleetEvent::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void a_closed_store_says_so() {
        Store store = Store.open(db());
        store.close();
        store.close();
        assertThatThrownBy(() -> store.events(null, null, 1)).isInstanceOf(StoreException.class)
                .hasMessage("cannot read events: the store " + db() + " is closed");
    }

    private String pragma(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("PRAGMA " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static FleetEvent event(EventType type, Instant at) {
        return FleetEvent.of(type).at(at).machine("macmini").message(type + " at " + at).build();
    }

    private static MachineMetrics metrics() {
        return new MachineMetrics(T0, 1, 1, 1, 2, 0, 0, List.of(), 1, 1);
    }
}
