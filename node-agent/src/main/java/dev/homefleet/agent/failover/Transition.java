package dev.homefleet.agent.failover;

import java.time.Instant;

/**
 * One change of a failover's state, as kept in its history and shown by {@code GET /v1/failover}.
 *
 * @param reason    why, in words: "3 failed checks in a row (connection refused)", "promoted by hand"
 * @param failures  the primary's failed checks in a row at that moment
 * @param successes its successful checks in a row at that moment
 */
public record Transition(FailoverState from, FailoverState to, Instant at, String reason, int failures,
        int successes) {}
