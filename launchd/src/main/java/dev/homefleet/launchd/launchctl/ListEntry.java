package dev.homefleet.launchd.launchctl;

/**
 * One row of {@code launchctl list}.
 *
 * @param pid            the running process, or -1 ({@code -} in the PID column)
 * @param lastExitStatus the Status column: the last exit code, or minus the signal that ended the job; null for
 *                       {@code -}
 */
public record ListEntry(int pid, Integer lastExitStatus, String label) {}
