package dev.homefleet.controller.clean;

import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The simulator check of the seed's cleanup ({@code ps aux | grep CoreSimulator | wc -l}, over 20:
 * {@code xcrun simctl shutdown all}). Booted simulators leak a dozen CoreSimulator processes each and hold
 * gigabytes of memory on a 16 GB Mac Mini.
 *
 * @param count    CoreSimulator processes before any action
 * @param shutDown whether {@code xcrun simctl shutdown all} ran and succeeded
 * @param failure  why the shutdown failed, or null
 */
public record Simulators(int count, int limit, boolean shutDown, String failure) {

    static final String NEEDLE = "CoreSimulator";
    static final List<String> SHUTDOWN = List.of("xcrun", "simctl", "shutdown", "all");
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    static int count(Listing listing) {
        return (int) listing.processes().stream().filter(p -> p.command().contains(NEEDLE)).count();
    }

    /** Counts, and shuts every simulator down when there are more than {@code limit} of their processes. */
    static Simulators check(Listing listing, int limit, CommandRunner runner) throws IOException {
        int count = count(listing);
        if (count <= limit) {
            return new Simulators(count, limit, false, null);
        }
        CommandResult result = runner.run(SHUTDOWN, TIMEOUT);
        if (result.ok()) {
            return new Simulators(count, limit, true, null);
        }
        String why = result.timedOut() ? "did not finish within " + TIMEOUT.toMinutes() + " min"
                : "exit " + result.exitCode() + ": " + (result.stderr().isBlank() ? "no message" : result.stderr().strip());
        return new Simulators(count, limit, false, "xcrun simctl shutdown all failed on " + runner.describe()
                + " (" + why + ")");
    }
}
