package dev.homefleet.launchd.launchctl;

/**
 * What launchd says of one job.
 *
 * @param loaded         whether launchd knows the job at all (it was bootstrapped or loaded)
 * @param state          launchd's own word: {@code running}, {@code not running}, {@code spawn scheduled}; null when
 *                       not loaded
 * @param pid            the running process, or -1
 * @param lastExitStatus the last exit status as {@code launchctl list} shows it: the exit code, or minus the signal
 *                       that ended the job (-15: SIGTERM); null when it never exited
 * @param runs           how often launchd started it since it was loaded, or -1 when not reported
 * @param path           the plist it was loaded from, when reported
 */
public record JobStatus(String label, boolean loaded, String state, int pid, Integer lastExitStatus, int runs,
        String path) {

    public static JobStatus notLoaded(String label) {
        return new JobStatus(label, false, null, -1, null, -1, null);
    }

    public boolean running() {
        return loaded && (pid > 0 || "running".equals(state));
    }
}
