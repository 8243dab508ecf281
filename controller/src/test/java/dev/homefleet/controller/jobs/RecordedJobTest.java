package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.store.JobRun;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.Schedule;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every run recorded in the real store (start, end, outcome, what it did), in the state, and as events. */
class RecordedJobTest {

    @TempDir
    Path dir;

    private Store store;
    private EventBus bus;
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final StateHolder state = new StateHolder(FleetState.empty(
            new FleetState.ConfigStatus("fleet.yaml", Instant.now(), true, List.of())));
    private final JobScheduler scheduler = new JobScheduler("recorded-" + System.nanoTime(), 2);

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("homefleet.db"));
        bus = new EventBus(store::append);
        bus.subscribe("test", events::add);
    }

    @AfterEach
    void close() {
        scheduler.shutdown(Duration.ofSeconds(5));
        store.close();
    }

    private RecordedJob job(String name, boolean quiet, Supplier<JobResult> work) {
        JobRecorder recorder = new JobRecorder() {
            @Override
            public long started(String job, Instant at) {
                return store.jobStarted(job, at);
            }

            @Override
            public void finished(long runId, Instant at, String outcome, String summary, Map<String, Object> details) {
                store.jobFinished(runId, at, outcome, summary, details);
            }
        };
        return new RecordedJob(name, work, recorder, bus, state, scheduler, quiet, Clock.systemUTC());
    }

    private JobRun lastRun(String name) {
        return store.jobRuns(name, 1).get(0);
    }

    @Test
    void a_run_is_recorded_with_its_start_end_outcome_and_what_it_did() {
        scheduler.schedule("cleaner", Schedule.parse("0 */2 * * *"), () -> { });
        Instant before = Instant.now();

        job("cleaner", false, () -> JobResult.ok("killed 2 orphans", Map.of("killed", List.of(4711, 4712)))).run();

        JobRun run = lastRun("cleaner");
        assertThat(run.outcome()).isEqualTo(JobRun.OK);
        assertThat(run.summary()).isEqualTo("killed 2 orphans");
        assertThat(run.details()).containsEntry("killed", List.of(4711, 4712));
        assertThat(run.started()).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(run.finished()).isAfterOrEqualTo(run.started());

        FleetState.JobStatus status = state.get().jobs().get("cleaner");
        assertThat(status.outcome()).isEqualTo("ok");
        assertThat(status.summary()).isEqualTo("killed 2 orphans");
        assertThat(status.schedule()).isEqualTo("0 */2 * * *");
        assertThat(status.nextFire()).isEqualTo(scheduler.nextFire("cleaner").orElseThrow());
        assertThat(status.lastEnd().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).as("the store keeps ms")
                .isEqualTo(run.finished());

        assertThat(events).extracting(FleetEvent::type).containsExactly(EventType.JOB_STARTED, EventType.JOB_FINISHED);
        assertThat(events.get(0).id()).as("recorded before subscribers see it").isPositive();
        assertThat(((Number) events.get(1).data().get("run")).longValue()).isEqualTo(run.id());
        assertThat(events.get(1).data()).containsKey("duration_ms");
        assertThat(events.get(1).message()).isEqualTo("cleaner: killed 2 orphans");
        assertThat(events.get(1).subject()).isEqualTo("cleaner");
    }

    @Test
    void while_it_runs_the_store_and_the_state_say_running_and_the_last_summary_stays() {
        scheduler.register("healer", () -> { });
        job("healer", false, () -> JobResult.ok("restarted 1")).run();
        AtomicReference<JobRun> during = new AtomicReference<>();
        AtomicReference<FleetState.JobStatus> shown = new AtomicReference<>();

        job("healer", false, () -> {
            during.set(lastRun("healer"));
            shown.set(state.get().jobs().get("healer"));
            return JobResult.ok("nothing to do");
        }).run();

        assertThat(during.get().outcome()).isEqualTo(JobRun.RUNNING);
        assertThat(during.get().finished()).isNull();
        assertThat(shown.get().outcome()).isEqualTo("running");
        assertThat(shown.get().summary()).as("the last run's, until this one ends").isEqualTo("restarted 1");
        assertThat(shown.get().schedule()).isEqualTo("on demand");
        assertThat(state.get().jobs().get("healer").summary()).isEqualTo("nothing to do");
    }

    @Test
    void work_that_throws_is_a_failed_run_with_its_message() {
        job("heartbeat", false, () -> {
            throw new IllegalStateException("the metrics sweep printed nothing");
        }).run();

        assertThat(lastRun("heartbeat").outcome()).isEqualTo(JobRun.FAILED);
        assertThat(lastRun("heartbeat").summary()).isEqualTo("the metrics sweep printed nothing");
        assertThat(state.get().jobs().get("heartbeat").outcome()).isEqualTo("failed");
        assertThat(events).extracting(FleetEvent::type).containsExactly(EventType.JOB_STARTED, EventType.JOB_FAILED);
        assertThat(events.get(1).message()).isEqualTo("heartbeat failed: the metrics sweep printed nothing");
    }

    @Test
    void a_quiet_job_records_every_run_but_publishes_only_its_failures() {
        RecordedJob checks = job("checks", true, () -> JobResult.ok("5 up, 0 down"));
        checks.run();
        checks.run();
        job("checks", true, () -> JobResult.failed("interrupted")).run();

        assertThat(store.jobRuns("checks", 10)).extracting(JobRun::outcome)
                .containsExactly(JobRun.OK, JobRun.OK, JobRun.FAILED);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.JOB_FAILED);
            assertThat(e.message()).isEqualTo("checks failed: interrupted");
        });
    }

    @Test
    void a_run_interrupted_at_shutdown_is_recorded_as_abandoned_with_what_it_had_done() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        scheduler.register("cleaner", job("cleaner", false, () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
                return JobResult.ok("cleaned 5 of 5");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return JobResult.ok("cleaned 2 of 5");
            }
        }));
        scheduler.start();
        scheduler.runNow("cleaner");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(scheduler.shutdown(Duration.ofMillis(200))).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> lastRun("cleaner").finished() != null);
        assertThat(lastRun("cleaner").outcome()).isEqualTo(JobRun.ABANDONED);
        assertThat(lastRun("cleaner").summary()).isEqualTo("abandoned at shutdown: cleaned 2 of 5");
    }
}
