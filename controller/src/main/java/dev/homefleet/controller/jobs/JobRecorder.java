package dev.homefleet.controller.jobs;

import java.time.Instant;
import java.util.Map;

/** Where job runs are kept (the store); {@link RecordedJob} writes the start before the work and the end after. */
public interface JobRecorder {
    long started(String job, Instant at);

    void finished(long runId, Instant at, String outcome, String summary, Map<String, Object> details);
}
