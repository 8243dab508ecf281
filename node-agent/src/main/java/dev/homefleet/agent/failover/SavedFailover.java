package dev.homefleet.agent.failover;

import dev.homefleet.agent.failover.FailoverMachine.Run;
import java.time.Instant;
import java.util.List;

/**
 * What {@link FailoverStore} keeps of one failover between runs of the agent: the machine's state and streaks, the
 * actions that were running (interrupted when still set at the next start), and the recent transitions.
 */
public record SavedFailover(
        int version,
        String failover,
        FailoverState state,
        FailoverMode mode,
        int failures,
        int successes,
        Run pending,
        int attempts,
        int waited,
        List<Transition> transitions,
        Instant savedAt) {

    public static final int CURRENT_VERSION = 1;

    public SavedFailover {
        transitions = transitions == null ? List.of() : List.copyOf(transitions);
    }

    FailoverMachine.Snapshot snapshot() {
        return new FailoverMachine.Snapshot(state, mode, failures, successes, pending, attempts, waited);
    }
}
