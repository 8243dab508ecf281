package dev.homefleet.controller.jobs;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job's work and records it: the run in the store (start, end, outcome, summary), the job's line in
 * {@link FleetState}, and {@code job.started} / {@code job.finished} / {@code job.failed} events. A job that runs
 * every few seconds ({@code quiet}) records its runs but publishes only failures, so the event feed stays readable.
 */
public final class RecordedJob implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RecordedJob.class);

    private final String name;
    private final Supplier<JobResult> work;
    private final JobRecorder recorder;
    private final EventBus events;
    private final StateHolder state;
    private final JobScheduler scheduler;
    private final boolean quiet;
    private final Clock clock;

    public RecordedJob(String name, Supplier<JobResult> work, JobRecorder recorder, EventBus events, StateHolder state,
            JobScheduler scheduler, boolean quiet, Clock clock) {
        this.name = name;
        this.work = work;
        this.recorder = recorder;
        this.events = events;
        this.state = state;
        this.scheduler = scheduler;
        this.quiet = quiet;
        this.clock = clock;
    }

    @Override
    public void run() {
        Instant start = clock.instant();
        long runId = recorder.started(name, start);
        setState(start, null, "running", null);
        if (!quiet) {
            events.publish(FleetEvent.of(EventType.JOB_STARTED).at(start).subject(name)
                    .message(name + " started").data("run", runId).build());
        }
        JobResult result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            log.warn("job {} failed: {}", name, e.toString());
            result = JobResult.failed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        boolean abandoned = Thread.currentThread().isInterrupted();
        if (abandoned) {
            result = new JobResult(true, "abandoned at shutdown: " + result.summary(), result.details());
        }
        Instant end = clock.instant();
        String outcome = abandoned ? "abandoned" : result.failed() ? "failed" : "ok";
        recorder.finished(runId, end, outcome, result.summary(), result.details());
        setState(start, end, outcome, result.summary());
        long millis = Duration.between(start, end).toMillis();
        if (result.failed()) {
            events.publish(FleetEvent.of(EventType.JOB_FAILED).at(end).subject(name)
                    .message(name + " failed: " + result.summary()).data("run", runId).data("duration_ms", millis)
                    .data("details", result.details()).build());
        } else if (!quiet) {
            events.publish(FleetEvent.of(EventType.JOB_FINISHED).at(end).subject(name)
                    .message(name + ": " + result.summary()).data("run", runId).data("duration_ms", millis)
                    .data("details", result.details()).build());
        }
    }

    private void setState(Instant start, Instant end, String outcome, String summary) {
        String schedule = scheduler.scheduleOf(name).map(Object::toString).orElse("on demand");
        Instant next = scheduler.nextFire(name).orElse(null);
        state.update(s -> s.withJob(new FleetState.JobStatus(name, schedule, start, end, outcome,
                summary == null && s.jobs().containsKey(name) ? s.jobs().get(name).summary() : summary, next)));
    }
}
