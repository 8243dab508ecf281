package dev.homefleet.controller.clean;

import dev.homefleet.core.config.JobsSpec.Lock;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Removes lock files older than their TTL on the machine a {@link CommandRunner} reaches, with POSIX {@code find}
 * (GNU and BSD alike), so the same call works here and over SSH. The directory, the glob and the age travel as
 * arguments of a fixed {@code sh -c} script; nothing from fleet.yaml is ever pasted into shell text. {@code find}
 * checks the age and deletes in one pass, so a lock renewed a moment before is not removed by a later {@code rm}.
 */
final class StaleLocks {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String MISSING = "homefleet: no such directory";

    /**
     * $1 directory, $2 file-name glob, $3 minutes. -H follows a directory that is a symlink (macOS's /tmp);
     * -type f leaves symlinks and directories alone; -print0 names what -delete removes, NUL-separated.
     */
    static final String SCRIPT = "[ -d \"$1\" ] || { echo '" + MISSING + "'; exit 0; }; "
            + "exec find -H \"$1\" -maxdepth 1 -name \"$2\" -type f -mmin \"+$3\" -print0 -delete";

    private StaleLocks() {}

    /** What one lock entry came to. */
    record Outcome(List<String> removed, String note, String error) {}

    /**
     * @param home the home directory on that machine, for a path starting with {@code ~/}; null when none is needed
     */
    static Outcome sweep(CommandRunner runner, Lock lock, String home) throws IOException {
        String path = expandHome(lock.path(), home);
        int slash = path.lastIndexOf('/');
        String directory = slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
        String glob = path.substring(slash + 1);
        if (glob.isEmpty()) {
            return new Outcome(List.of(), null, "lock path '" + lock.path() + "' names a directory; end it with a"
                    + " file name or a glob such as *.lock");
        }
        if (directory.startsWith("-")) {
            directory = "./" + directory;
        }
        CommandResult result = runner.run(List.of("/bin/sh", "-c", SCRIPT, "sh", directory, glob,
                Long.toString(minutes(lock.ttl()))), TIMEOUT);
        if (result.timedOut()) {
            return new Outcome(List.of(), null, "removing stale locks " + path + " on " + runner.describe()
                    + " did not finish within " + TIMEOUT.toSeconds() + " s");
        }
        if (result.stdout().strip().equals(MISSING)) {
            return new Outcome(List.of(), "lock directory " + directory + " does not exist on " + runner.describe()
                    + "; nothing to remove", null);
        }
        List<String> printed = Arrays.stream(result.stdout().split("\0")).filter(s -> !s.isEmpty()).toList();
        if (result.exitCode() == 0) {
            return new Outcome(printed, null, null);
        }
        // find names a path before -delete fails on it; a path its errors mention was not removed.
        String stderr = result.stderr().strip();
        List<String> removed = new ArrayList<>();
        for (String file : printed) {
            if (!stderr.contains(file)) {
                removed.add(file);
            }
        }
        return new Outcome(removed, null, "removing stale locks " + path + " on " + runner.describe()
                + " failed (exit " + result.exitCode() + "): " + (stderr.isEmpty() ? "no message" : stderr));
    }

    /** find counts whole minutes; rounding up never removes a lock before its TTL. */
    static long minutes(Duration ttl) {
        long seconds = ttl.toSeconds();
        return Math.max(0, (seconds + 59) / 60);
    }

    static String expandHome(String path, String home) {
        if (!path.equals("~") && !path.startsWith("~/")) {
            return path;
        }
        if (home == null) {
            throw new IllegalArgumentException("no home directory to expand " + path + " with");
        }
        String base = home.endsWith("/") && home.length() > 1 ? home.substring(0, home.length() - 1) : home;
        return base + path.substring(1);
    }

    static boolean needsHome(Lock lock) {
        return lock.path().equals("~") || lock.path().startsWith("~/");
    }
}
