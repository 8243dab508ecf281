package dev.homefleet.agent.api;

import dev.homefleet.core.probe.ProbeResult;
import java.time.Instant;

/**
 * One run of a service's {@code check} on this machine, undebounced: the controller feeds it to the service's
 * rise/fall counter.
 *
 * @param latencyMs how long the check took, in milliseconds
 * @param detail    what it found, in a few words: "200 in 12 ms", "connection refused", "manager: stopped"
 * @param at        when the check started
 */
public record ServiceCheck(String service, boolean ok, long latencyMs, String detail, Instant at) {

    static ServiceCheck of(String service, ProbeResult result) {
        return new ServiceCheck(service, result.ok(), result.latency().toMillis(), result.detail(), result.at());
    }
}
