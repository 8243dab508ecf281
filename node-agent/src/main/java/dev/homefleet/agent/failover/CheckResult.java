package dev.homefleet.agent.failover;

import java.time.Instant;

/**
 * One check of the primary. A failed check is data: {@code ok} false and {@code detail} saying why.
 *
 * @param at        when the check started
 * @param detail    "200 in 3 ms", "connection refused", "timed out after 5s", "status 503"
 * @param latencyMs how long it took, up to the timeout
 */
public record CheckResult(Instant at, boolean ok, String detail, long latencyMs) {}
