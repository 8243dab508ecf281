package dev.homefleet.agent.failover;

import java.time.Instant;

/**
 * One transition of a failover, as the standby tells it: posted to the controller's
 * {@code POST /api/v1/failover/events} (snake_case JSON) and handed to {@link FailoverAlerts}. The same record is
 * read on the controller's side.
 *
 * @param failover       the failover's name in fleet.yaml
 * @param from           the state before; equal to {@code to} for a report that is not a change (an unreadable
 *                       state file at start)
 * @param reason         why, in words: "3 failed checks in a row (fall 3) (connection refused)"
 * @param message        one sentence for a person: what happened and what follows
 * @param check          the URL the standby polls
 * @param problem        set when the event reports trouble with the watchdog itself rather than a transition (its
 *                       state file was unreadable), else null
 */
public record FailoverEvent(
        String failover,
        String primaryMachine,
        String primaryService,
        String standbyMachine,
        String standbyService,
        FailoverState from,
        FailoverState to,
        FailoverMode mode,
        Instant at,
        String reason,
        int failures,
        int successes,
        String check,
        String message,
        String problem) {}
