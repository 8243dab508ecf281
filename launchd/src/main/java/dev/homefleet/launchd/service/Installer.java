package dev.homefleet.launchd.service;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.launchd.launchctl.JobStatus;
import dev.homefleet.launchd.launchctl.JobTarget;
import dev.homefleet.launchd.launchctl.Launchctl;
import dev.homefleet.launchd.plist.LaunchdJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Puts a launchd job on a machine and takes it off again, through {@link Launchctl} and {@link MachineFiles}: both
 * run their commands through the same runner.
 *
 * <p>Install writes the plist (creating its directory and the log directories launchd would not create), then loads
 * it: {@code enable} (undoing any earlier {@code disable}) and {@code bootstrap}; a job that was already loaded is
 * booted out first, since launchd only reads a plist when it loads it. On old macOS that is {@code load -w}.
 * Uninstall boots the job out and removes the plist, so it does not come back at the next login.
 */
public final class Installer {

    private final Launchctl launchctl;
    private final MachineFiles files;

    public Installer(Launchctl launchctl, MachineFiles files) {
        this.launchctl = Objects.requireNonNull(launchctl, "launchctl");
        this.files = Objects.requireNonNull(files, "files");
    }

    /**
     * @param plist the plist's absolute path on the machine
     * @return the job's state once loaded
     */
    public JobStatus install(LaunchdJob job, String plist, ManagerSpec.Domain domain) throws IOException {
        Set<String> directories = new LinkedHashSet<>();
        directories.add(parent(plist));
        for (String log : new String[] {job.standardOutPath(), job.standardErrorPath()}) {
            if (log != null) {
                directories.add(parent(log));
            }
        }
        files.makeDirectories(new ArrayList<>(directories));
        files.write(plist, job.toXml());
        JobTarget target = new JobTarget(launchctl.domain(domain), job.label(), plist);
        boolean loaded = launchctl.status(target).loaded();
        launchctl.enable(target);
        if (loaded) {
            launchctl.reload(target);
        } else {
            launchctl.bootstrap(target);
        }
        return launchctl.status(target);
    }

    /** What uninstall found and did. */
    public record Removed(boolean wasLoaded, boolean plistRemoved) {}

    public Removed uninstall(String label, String plist, ManagerSpec.Domain domain) throws IOException {
        boolean exists = files.exists(plist);
        JobTarget target = new JobTarget(launchctl.domain(domain), label, exists ? plist : null);
        boolean wasLoaded = launchctl.bootout(target);
        if (exists) {
            files.remove(plist);
        }
        return new Removed(wasLoaded, exists);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
