package dev.homefleet.controller.jobs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of a job did.
 *
 * @param failed  true when the run could not do its work (not when it found problems: finding a service down is a
 *                successful heartbeat)
 * @param summary one line for `fleet jobs` ("restarted 1 (up); gave up on macmini/x")
 * @param details what it did, for the store and the API
 */
public record JobResult(boolean failed, String summary, Map<String, Object> details) {
    public JobResult {
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static JobResult ok(String summary) {
        return new JobResult(false, summary, Map.of());
    }

    public static JobResult ok(String summary, Map<String, Object> details) {
        return new JobResult(false, summary, details);
    }

    public static JobResult failed(String summary) {
        return new JobResult(true, summary, Map.of());
    }
}
