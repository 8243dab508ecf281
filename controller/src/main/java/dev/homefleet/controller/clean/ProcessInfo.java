package dev.homefleet.controller.clean;

import java.time.Duration;
import java.util.Objects;

/**
 * One running process as {@code ps} shows it.
 *
 * @param age     how long it has been running (whole seconds: ps's {@code etime})
 * @param command its full command line, the arguments joined by blanks; empty when ps cannot see it
 */
public record ProcessInfo(long pid, long ppid, Duration age, String command) {

    public ProcessInfo {
        Objects.requireNonNull(age, "age");
        command = command == null ? "" : command;
    }

    /** The program's file name: the last path segment of the command line's first word ({@code node}, {@code sleep}). */
    public String program() {
        String first = command.isEmpty() ? "" : command.split(" ", 2)[0];
        return first.substring(first.lastIndexOf('/') + 1);
    }
}
