package dev.homefleet.controller.store;

/** How many rows of each kind a {@link Store#purge} removed. */
public record Purged(int events, int samples, int jobRuns, int reports) {

    public int total() {
        return events + samples + jobRuns + reports;
    }
}
