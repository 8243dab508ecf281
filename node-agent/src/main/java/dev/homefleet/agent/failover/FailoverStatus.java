package dev.homefleet.agent.failover;

import dev.homefleet.agent.failover.FailoverMachine.Run;
import java.util.List;

/**
 * One failover as its standby's agent shows it ({@code GET /v1/failover}, {@code fleet failover status}).
 *
 * @param primary      MACHINE/SERVICE, or MACHINE when only a check URL is given
 * @param standby      MACHINE/SERVICE, or MACHINE
 * @param interval     how often the primary is checked, as fleet.yaml writes durations ("30s")
 * @param failures     the primary's failed checks in a row
 * @param successes    its successful checks in a row
 * @param running      the actions running now, or null
 * @param attempts     failed attempts in a row of the actions a failed state retries
 * @param lastActions  how the last takeover or yield actions went, or null
 * @param lastCheck    the latest check, or null before the first
 * @param checks       the latest checks, oldest first
 * @param transitions  the latest transitions, oldest first (kept across restarts)
 * @param problem      something wrong with the watchdog itself (its state file), or null
 */
public record FailoverStatus(
        String name,
        FailoverState state,
        FailoverMode mode,
        String primary,
        String standby,
        String check,
        String interval,
        String timeout,
        int fall,
        int rise,
        int failures,
        int successes,
        Run running,
        int attempts,
        ActionReport lastActions,
        CheckResult lastCheck,
        List<CheckResult> checks,
        List<Transition> transitions,
        String problem) {

    public FailoverStatus {
        checks = checks == null ? List.of() : List.copyOf(checks);
        transitions = transitions == null ? List.of() : List.copyOf(transitions);
    }
}
