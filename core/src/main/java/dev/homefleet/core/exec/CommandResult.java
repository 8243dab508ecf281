package dev.homefleet.core.exec;

import java.time.Duration;

/**
 * What a command did.
 *
 * @param exitCode the exit status; -1 when it timed out or the remote side reported none
 * @param timedOut true when it was stopped for running past its timeout
 */
public record CommandResult(int exitCode, String stdout, String stderr, Duration duration, boolean timedOut) {

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }
}
