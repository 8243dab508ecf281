package dev.homefleet.controller.store;

import java.time.Instant;
import java.util.List;

/**
 * What a job told the controller about itself ({@code POST /api/log}, {@code fleet report}), as stored.
 *
 * @param status ok, warning or critical
 * @param source where it came from, e.g. {@code POST /api/log from 127.0.0.1}
 */
public record Report(long id, String job, Instant at, String status, String message, String source) {

    /** The statuses a report may carry, as the seed's clawd-status API spelled them. */
    public static final List<String> STATUSES = List.of("ok", "warning", "critical");
}
