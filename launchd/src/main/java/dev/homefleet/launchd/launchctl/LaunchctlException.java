package dev.homefleet.launchd.launchctl;

import dev.homefleet.core.exec.CommandResult;
import java.io.IOException;
import java.util.List;

/** launchctl refused or failed: the message gives the command, where it ran, its exit code and what it said. */
public final class LaunchctlException extends IOException {

    private final int exitCode;

    LaunchctlException(List<String> argv, String where, CommandResult result, java.time.Duration timeout) {
        super(message(argv, where, result, timeout));
        this.exitCode = result.exitCode();
    }

    /** launchctl's exit code, which {@code launchctl error CODE} explains; -1 when it timed out. */
    public int exitCode() {
        return exitCode;
    }

    private static String message(List<String> argv, String where, CommandResult result, java.time.Duration timeout) {
        String command = String.join(" ", argv);
        if (result.timedOut()) {
            return command + " did not finish in " + timeout.toSeconds() + "s on " + where;
        }
        String said = (result.stderr().strip() + "\n" + result.stdout().strip()).strip();
        return command + " failed on " + where + " (exit " + result.exitCode() + ")"
                + (said.isEmpty() ? "" : ": " + String.join("; ", said.lines().map(String::strip)
                        .filter(line -> !line.isEmpty()).limit(3).toList()));
    }
}
