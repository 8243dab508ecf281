package dev.homefleet.controller.init;

import dev.homefleet.launchd.plist.LaunchdJob;

/**
 * A plist of {@code ~/Library/LaunchAgents}.
 *
 * @param file    the file as its owner would write it in fleet.yaml: {@code ~/Library/LaunchAgents/x.plist}
 * @param job     what it says, or null when it could not be read
 * @param problem why it could not be read, or null
 */
public record LaunchAgent(String file, LaunchdJob job, String problem) {

    /** A job launchd starts on a timer rather than keeps running. */
    public boolean periodic() {
        return job != null && (job.startInterval() != null || !job.startCalendarInterval().isEmpty());
    }
}
