package dev.homefleet.controller.clean;

/**
 * An orphaned process and what the cleaner did about it.
 *
 * @param detail why it was left (no pattern matched) or why the kill failed
 */
public record OrphanOutcome(ProcessInfo process, Action action, String detail) {

    public enum Action {
        /** No kill_orphans pattern matches it: reported only. */
        REPORTED,
        /** A pattern matched and SIGTERM was delivered. */
        KILLED,
        /** A pattern matched but {@code kill} failed (gone already, not permitted). */
        KILL_FAILED
    }
}
