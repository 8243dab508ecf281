package dev.homefleet.core.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs a program, given as an argv (never a shell string), somewhere: on this machine, or on another over SSH.
 * Every remote action of homefleet goes through this one seam.
 */
public interface CommandRunner {

    /**
     * Runs {@code argv} and waits at most {@code timeout}. A command that runs too long is stopped and comes back
     * with {@link CommandResult#timedOut()} set: a slow machine is a result, not an exception.
     *
     * @throws IOException when the command could not be started at all: the machine is unreachable, the
     *                     connection or authentication failed, a host key was refused. The message says what to do.
     */
    CommandResult run(List<String> argv, Duration timeout) throws IOException;

    /** Which path runs the commands, for results and logs: {@code local}, {@code ssh felipemacmini@host:22}. */
    String describe();
}
