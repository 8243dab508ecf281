package dev.homefleet.launchd.launchctl;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * launchctl(1) through a {@link CommandRunner}, so it drives launchd on this Mac or on another over SSH.
 *
 * <p>Speaks the subcommands of launchctl 2 (macOS 10.10 and later): {@code bootstrap}, {@code bootout},
 * {@code enable}, {@code kickstart [-k]}, {@code print}, {@code list}. A launchctl that answers one of them with
 * "Unrecognized subcommand" is taken for an old one, once, and from then on gets the legacy verbs the man page
 * still documents: {@code load -w}, {@code unload}, {@code start}, {@code stop}, {@code list LABEL}.
 *
 * <p>launchctl exits 0 when the subcommand succeeded, otherwise with a code {@code launchctl error CODE} explains.
 * A job launchd does not know is an answer here, not an error: 113 "Could not find service", or 3 "No such
 * process" from bootout. Safe to share between threads.
 */
public final class Launchctl {

    /** bootout waits for the job to exit, up to its ExitTimeOut (20 s by default) before launchd kills it. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int NOT_FOUND = 113;
    static final int NO_SUCH_PROCESS = 3;
    /** bootstrap right after bootout can find the old job still tearing down: EIO (5) or EALREADY (37). */
    static final int BOOTSTRAP_ATTEMPTS = 3;

    private final CommandRunner runner;
    private final Duration retryPause;
    private final Consumer<List<String>> ran;
    private volatile Boolean legacy;
    private volatile String uid;

    public Launchctl(CommandRunner runner) {
        this(runner, Duration.ofSeconds(1), argv -> { });
    }

    /**
     * @param retryPause how long to wait before bootstrapping again after a bootout that has not finished
     * @param ran        told of every launchctl command that did its job, as its argv: {@code fleet} prints them
     */
    public Launchctl(CommandRunner runner, Duration retryPause, Consumer<List<String>> ran) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.retryPause = Objects.requireNonNull(retryPause, "retryPause");
        this.ran = Objects.requireNonNull(ran, "ran");
    }

    /** {@code gui/UID} (the UID from {@code id -u} on the job's machine) or {@code system}. */
    public String domain(ManagerSpec.Domain domain) throws IOException {
        return domain == ManagerSpec.Domain.SYSTEM ? "system" : "gui/" + uid();
    }

    /** The user the runner runs as, by {@code id -u}; asked once. */
    public String uid() throws IOException {
        String known = uid;
        if (known != null) {
            return known;
        }
        List<String> argv = List.of("id", "-u");
        CommandResult result = runner.run(argv, TIMEOUT);
        String text = result.stdout().strip();
        if (!result.ok() || !text.matches("\\d+")) {
            throw new LaunchctlException(argv, runner.describe(), result, TIMEOUT);
        }
        uid = text;
        return text;
    }

    /** True once this launchctl has shown it predates launchctl 2 (macOS 10.9 and older). */
    public boolean isLegacy() {
        return Boolean.TRUE.equals(legacy);
    }

    /** Loads the job's plist into its domain: {@code bootstrap DOMAIN PLIST}, on old macOS {@code load -w PLIST}. */
    public void bootstrap(JobTarget job) throws IOException {
        String plist = requirePlist(job, "bootstrap");
        Attempt attempt = run(List.of("launchctl", "bootstrap", job.domain(), plist),
                List.of(List.of("launchctl", "load", "-w", plist)));
        attempt.requireOk();
    }

    /**
     * Removes the job from its domain; launchd sends it SIGTERM, then SIGKILL after its ExitTimeOut. On old macOS
     * {@code unload PLIST}. The job comes back at the next login or boot unless its plist is removed.
     *
     * @return false when launchd did not know the job
     */
    public boolean bootout(JobTarget job) throws IOException {
        List<List<String>> legacyVerbs = job.plist() != null
                ? List.of(List.of("launchctl", "unload", job.plist()))
                : List.of(List.of("launchctl", "remove", job.label()));
        Attempt attempt = run(List.of("launchctl", "bootout", job.service()), legacyVerbs);
        if (attempt.notLoaded()) {
            return false;
        }
        attempt.requireOk();
        return true;
    }

    /**
     * Clears a {@code launchctl disable} of the job, which would make bootstrap fail. Old macOS has no such state
     * apart from the Disabled key, which {@code load -w} clears; there this does nothing.
     */
    public void enable(JobTarget job) throws IOException {
        Attempt attempt = run(List.of("launchctl", "enable", job.service()), List.of());
        attempt.requireOk();
    }

    /**
     * Starts the job now: {@code kickstart SERVICE}, a no-op when it already runs; with {@code kill},
     * {@code kickstart -k SERVICE} stops a running instance first. On old macOS {@code start LABEL}, with
     * {@code kill} preceded by {@code stop LABEL}. Neither rereads the plist.
     *
     * @return false when launchd does not know the job (bootstrap it first)
     */
    public boolean kickstart(JobTarget job, boolean kill) throws IOException {
        List<String> modern = kill ? List.of("launchctl", "kickstart", "-k", job.service())
                : List.of("launchctl", "kickstart", job.service());
        List<List<String>> legacyVerbs = kill
                ? List.of(List.of("launchctl", "stop", job.label()), List.of("launchctl", "start", job.label()))
                : List.of(List.of("launchctl", "start", job.label()));
        Attempt attempt = run(modern, legacyVerbs);
        if (attempt.notLoaded()) {
            return false;
        }
        attempt.requireOk();
        return true;
    }

    /**
     * Makes launchd read the plist again, which kickstart does not: bootout (when loaded), then bootstrap, retried
     * briefly while the old instance is still going away.
     */
    public void reload(JobTarget job) throws IOException {
        bootout(job);
        for (int attempt = 1; ; attempt++) {
            try {
                bootstrap(job);
                return;
            } catch (LaunchctlException e) {
                boolean stillGoing = e.exitCode() == 5 || e.exitCode() == 37;
                if (!stillGoing || attempt == BOOTSTRAP_ATTEMPTS || isLegacy()) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** The job's state: {@code print SERVICE}, on old macOS {@code list LABEL}. */
    public JobStatus status(JobTarget job) throws IOException {
        Attempt attempt = run(List.of("launchctl", "print", job.service()),
                List.of(List.of("launchctl", "list", job.label())));
        if (attempt.notLoaded() || attempt.legacy() && !attempt.result().ok()) {
            // An old launchctl's list LABEL fails in several ways for an unknown job; all mean launchd lacks it.
            return JobStatus.notLoaded(job.label());
        }
        attempt.requireOk();
        return attempt.legacy() ? ListOutput.parseLabel(job.label(), attempt.result().stdout())
                : PrintOutput.parse(job.label(), attempt.result().stdout());
    }

    /** Every job of the runner's domains, as {@code launchctl list} shows them. */
    public List<ListEntry> list() throws IOException {
        Attempt attempt = run(List.of("launchctl", "list"), null);
        attempt.requireOk();
        return ListOutput.parseTable(attempt.result().stdout());
    }

    private static String requirePlist(JobTarget job, String verb) {
        if (job.plist() == null) {
            throw new IllegalArgumentException(verb + " of " + job.label() + " needs its plist file");
        }
        return job.plist();
    }

    /**
     * Runs the modern command, or the legacy verbs (in order; the answer is the last one's) when this launchctl is
     * known to be old or says it does not know the modern one. {@code legacyVerbs} null: the command is both.
     */
    private Attempt run(List<String> modern, List<List<String>> legacyVerbs) throws IOException {
        if (legacyVerbs != null && isLegacy()) {
            return runLegacy(legacyVerbs);
        }
        CommandResult result = execute(modern);
        if (legacyVerbs != null && unrecognized(result)) {
            legacy = true;
            return runLegacy(legacyVerbs);
        }
        if (legacyVerbs != null && result.exitCode() == 0) {
            legacy = false;
        }
        return new Attempt(modern, result, false);
    }

    private Attempt runLegacy(List<List<String>> verbs) throws IOException {
        if (verbs.isEmpty()) {
            return new Attempt(List.of("launchctl"), new CommandResult(0, "", "", Duration.ZERO, false), true);
        }
        Attempt last = null;
        for (List<String> argv : verbs) {
            last = new Attempt(argv, execute(argv), true);
            // stop before start fails for a job that is not running, which start then fixes; a job launchd does
            // not know fails start too. Anything else ends the sequence.
            if (!last.ok() && !last.notLoaded()) {
                return last;
            }
        }
        return last;
    }

    private CommandResult execute(List<String> argv) throws IOException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (result.ok() && !legacyLoadFailed(argv, result)) {
            ran.accept(argv);
        }
        return result;
    }

    private static boolean unrecognized(CommandResult result) {
        String said = (result.stderr() + "\n" + result.stdout()).toLowerCase(Locale.ROOT);
        return result.exitCode() != 0
                && (said.contains("unrecognized subcommand") || said.contains("unknown subcommand"));
    }

    /** The old load reports some failures on its output with exit status 0. */
    private static boolean legacyLoadFailed(List<String> argv, CommandResult result) {
        if (argv.size() < 2 || !argv.get(1).equals("load")) {
            return false;
        }
        String said = (result.stderr() + "\n" + result.stdout()).toLowerCase(Locale.ROOT);
        return said.contains("nothing found to load") || said.contains("no such file")
                || said.contains("invalid property list") || said.contains("dubious");
    }

    private void pause() throws IOException {
        try {
            Thread.sleep(retryPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for launchd to let a job go");
        }
    }

    /** One launchctl command and what it did. */
    private final class Attempt {
        private final List<String> argv;
        private final CommandResult result;
        private final boolean legacy;

        Attempt(List<String> argv, CommandResult result, boolean legacy) {
            this.argv = argv;
            this.result = result;
            this.legacy = legacy;
        }

        CommandResult result() {
            return result;
        }

        boolean legacy() {
            return legacy;
        }

        boolean ok() {
            return result.ok() && !legacyLoadFailed(argv, result);
        }

        boolean notLoaded() {
            if (result.timedOut() || result.exitCode() == 0 && !legacy) {
                return false;
            }
            String said = (result.stderr() + "\n" + result.stdout()).toLowerCase(Locale.ROOT);
            return result.exitCode() == NOT_FOUND || result.exitCode() == NO_SUCH_PROCESS
                    || said.contains("could not find service") || said.contains("could not find specified service")
                    || said.contains("no such process");
        }

        void requireOk() throws LaunchctlException {
            if (!ok()) {
                throw new LaunchctlException(new ArrayList<>(argv), runner.describe(), result, TIMEOUT);
            }
        }
    }
}
