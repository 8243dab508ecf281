package dev.homefleet.core.service;

import java.time.Duration;

/**
 * What a service manager says of a service. Values a manager cannot give are -1 (numbers) or null.
 *
 * @param restarts       how often the manager restarted it (pm2's restart count), or -1
 * @param uptime         how long the current process has run, or null
 * @param lastExitStatus the exit status of its last run, if the manager keeps it (launchd), or null
 * @param detail         the manager's own words, for a person: "errored", "spawn scheduled", "not loaded"
 */
public record ServiceState(State state, int pid, int restarts, Duration uptime, double cpuPercent, long memoryBytes,
        Integer lastExitStatus, String detail) {

    public enum State {
        RUNNING, STARTING, STOPPING, STOPPED, ERRORED, UNKNOWN;

        public boolean isUp() {
            return this == RUNNING;
        }
    }

    public static ServiceState of(State state, String detail) {
        return new ServiceState(state, -1, -1, null, -1, -1, null, detail);
    }
}
