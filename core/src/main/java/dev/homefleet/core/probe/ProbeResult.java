package dev.homefleet.core.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one check found. A failed check is data, not an exception: {@code ok} is false and {@code detail} says why.
 *
 * @param latency how long the check took, up to its timeout
 * @param detail  a short phrase a person reads in {@code fleet status}: "200 in 12 ms", "connection refused",
 *                "timed out after 2s", "status 503, expected 200", "exit 1: no such file", "manager: stopped"
 * @param at      when the check started
 */
public record ProbeResult(boolean ok, Duration latency, String detail, Instant at) {

    public ProbeResult {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }

    static ProbeResult ok(Duration latency, String detail, Instant at) {
        return new ProbeResult(true, latency, detail, at);
    }

    static ProbeResult failed(Duration latency, String detail, Instant at) {
        return new ProbeResult(false, latency, detail, at);
    }
}
