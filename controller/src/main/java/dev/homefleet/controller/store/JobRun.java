package dev.homefleet.controller.store;

import java.time.Instant;
import java.util.Map;

/**
 * One run of a job homefleet runs itself (heartbeat, healer, cleaner).
 *
 * @param finished null while running, and for a run the controller was killed during
 * @param outcome  running, ok, failed, or abandoned (the controller stopped while it ran)
 */
public record JobRun(long id, String job, Instant started, Instant finished, String outcome, String summary,
        Map<String, Object> details) {

    public static final String RUNNING = "running";
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String ABANDONED = "abandoned";

    public JobRun {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
