package dev.homefleet.launchd.service;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import dev.homefleet.launchd.launchctl.JobStatus;
import dev.homefleet.launchd.launchctl.JobTarget;
import dev.homefleet.launchd.launchctl.Launchctl;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.plist.PlistReader;
import dev.homefleet.launchd.plist.PlistWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fleet.yaml {@code type: launchd} service, driven with launchctl through a {@link CommandRunner}: on this Mac, or
 * on another over SSH. The domain is {@code gui/UID} (UID by {@code id -u} on that machine) or {@code system}; the
 * plist is the manager's {@code plist}, else where launchd keeps the label's
 * ({@code ~/Library/LaunchAgents/LABEL.plist}, {@code /Library/LaunchDaemons/LABEL.plist}).
 *
 * <ul>
 *   <li>status: {@code launchctl print SERVICE} (old macOS: {@code list LABEL}); a job launchd does not know is
 *       stopped, "not loaded".</li>
 *   <li>start: {@code kickstart SERVICE}; when launchd does not know the job, {@code bootstrap DOMAIN PLIST} first.</li>
 *   <li>stop: {@code bootout SERVICE}. Not {@code kill TERM}: launchctl(1) only sends the signal, and launchd
 *       restarts a KeepAlive job that exits that way (SuccessfulExit false counts a signal as unsuccessful), just
 *       as it may restart a job after the legacy {@code stop}. bootout takes the job out of its domain (SIGTERM,
 *       then SIGKILL after its ExitTimeOut), so it stays down until {@link #start()}, or until launchd loads
 *       LaunchAgents again at the next login.</li>
 *   <li>restart: {@code kickstart -k SERVICE}.</li>
 *   <li>logs: {@code tail -n N} of the plist's StandardOutPath and StandardErrorPath.</li>
 *   <li>environment: the plist's EnvironmentVariables, read with {@code base64} (any plist format) and rewritten
 *       atomically as XML, every other key left as it was.</li>
 * </ul>
 *
 * <p>launchd reads a plist only when it loads it; kickstart does not reread it. So after
 * {@link #setEnvironment(Map)} the next {@link #restart()} (or {@link #start()}) of this manager reloads the job,
 * bootout then bootstrap, and kickstarts it. A manager made afterwards does not know of the change; call
 * {@link #reload()} there. Methods are synchronized: one launchctl sequence at a time per service.
 */
public final class LaunchdServiceManager implements ServiceManager {

    private final String service;
    private final ManagerSpec manager;
    private final Launchctl launchctl;
    private final MachineFiles files;
    private JobTarget target;
    private boolean reloadPending;

    /** @param service the service's name in fleet.yaml, for messages */
    public LaunchdServiceManager(String service, ManagerSpec manager, CommandRunner runner) {
        this(service, manager, new Launchctl(runner), new MachineFiles(runner));
    }

    public LaunchdServiceManager(String service, ManagerSpec manager, Launchctl launchctl, MachineFiles files) {
        this.service = Objects.requireNonNull(service, "service");
        this.manager = Objects.requireNonNull(manager, "manager");
        if (manager.type() != ManagerSpec.Type.LAUNCHD || manager.label() == null) {
            throw new IllegalArgumentException(service + " is not a launchd service with a label");
        }
        this.launchctl = Objects.requireNonNull(launchctl, "launchctl");
        this.files = Objects.requireNonNull(files, "files");
    }

    @Override
    public synchronized ServiceState status() throws IOException {
        JobStatus job = act("read the state of", () -> launchctl.status(target()));
        return state(job);
    }

    @Override
    public synchronized void start() throws IOException {
        if (reloadPending) {
            reload();
            return;
        }
        kickstart("start", false);
    }

    @Override
    public synchronized void stop() throws IOException {
        act("stop", () -> launchctl.bootout(target()));
    }

    @Override
    public synchronized void restart() throws IOException {
        if (reloadPending) {
            reload();
            return;
        }
        kickstart("restart", true);
    }

    /** kickstart (with -k: kill first); a job launchd does not know is bootstrapped from its plist, then started. */
    private void kickstart(String what, boolean kill) throws IOException {
        act(what, () -> {
            if (!launchctl.kickstart(target(), kill)) {
                launchctl.bootstrap(target());
                launchctl.kickstart(target(), false);
            }
            return null;
        });
    }

    /** Makes launchd read the plist again and runs the job: bootout (when loaded), bootstrap, kickstart. */
    public synchronized void reload() throws IOException {
        act("reload", () -> {
            launchctl.reload(target());
            launchctl.kickstart(target(), false);
            return null;
        });
        reloadPending = false;
    }

    /**
     * The last {@code lines} lines of the job's StandardOutPath, oldest first. When StandardErrorPath is another
     * file, the last {@code lines} of each come one after the other, each under a {@code ==> FILE <==} line as
     * tail(1) heads several files. A log file not written yet is left out.
     */
    @Override
    public synchronized List<String> logs(int lines) throws IOException {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be at least 1, was " + lines);
        }
        return act("read the logs of", () -> tails(lines));
    }

    private List<String> tails(int lines) throws IOException {
        LaunchdJob job = readJob();
        List<String> paths = new ArrayList<>();
        for (String path : new String[] {job.standardOutPath(), job.standardErrorPath()}) {
            if (path != null && !paths.contains(path)) {
                paths.add(path);
            }
        }
        if (paths.isEmpty()) {
            throw new IOException(target().plist() + " sets neither StandardOutPath nor "
                    + "StandardErrorPath, so launchd discards the output; add them to keep logs");
        }
        Map<String, List<String>> tails = new LinkedHashMap<>();
        for (String path : paths) {
            files.tail(files.expandHome(path), lines).ifPresent(tail -> tails.put(path, tail));
        }
        if (tails.size() == 1) {
            return tails.values().iterator().next();
        }
        List<String> out = new ArrayList<>();
        tails.forEach((path, tail) -> {
            out.add("==> " + path + " <==");
            out.addAll(tail);
        });
        return out;
    }

    @Override
    public synchronized Map<String, String> environment() throws IOException {
        return act("read the environment of", () -> readJob().environmentVariables());
    }

    /**
     * Rewrites the plist's EnvironmentVariables (removed when empty), keeping every other key as it was. The job
     * runs with it after the next {@link #restart()}, which reloads the plist.
     */
    @Override
    public synchronized void setEnvironment(Map<String, String> environment) throws IOException {
        act("set the environment of", () -> {
            String plist = target().plist();
            NSDictionary dict = PlistReader.readDictionary(files.read(plist), plist + " on " + files.describe());
            if (environment.isEmpty()) {
                dict.remove(LaunchdJob.ENVIRONMENT_VARIABLES);
            } else {
                NSDictionary env = new NSDictionary();
                new LinkedHashMap<>(environment).forEach((name, value) -> env.put(name, new NSString(value)));
                dict.put(LaunchdJob.ENVIRONMENT_VARIABLES, env);
            }
            files.write(plist, PlistWriter.write(dict));
            return null;
        });
        reloadPending = true;
    }

    /** True after {@link #setEnvironment(Map)} until the job has been reloaded. */
    public synchronized boolean reloadPending() {
        return reloadPending;
    }

    private LaunchdJob readJob() throws IOException {
        String plist = target().plist();
        return PlistReader.read(files.read(plist), plist + " on " + files.describe());
    }

    private JobTarget target() throws IOException {
        if (target == null) {
            String domain = launchctl.domain(manager.domain());
            String plist = manager.plist() != null ? files.expandHome(manager.plist())
                    : manager.domain() == ManagerSpec.Domain.SYSTEM
                            ? "/Library/LaunchDaemons/" + manager.label() + ".plist"
                            : files.home() + "/Library/LaunchAgents/" + manager.label() + ".plist";
            target = new JobTarget(domain, manager.label(), plist);
        }
        return target;
    }

    static ServiceState state(JobStatus job) {
        if (!job.loaded()) {
            return ServiceState.of(State.STOPPED, "not loaded");
        }
        Integer exit = job.lastExitStatus();
        String said = job.state() == null ? "unknown" : job.state();
        State state = switch (said) {
            case "running" -> State.RUNNING;
            case "spawn scheduled", "spawned", "xpcproxy" -> State.STARTING;
            case "not running", "exited", "waiting" -> exit != null && exit != 0 ? State.ERRORED : State.STOPPED;
            default -> job.pid() > 0 ? State.RUNNING : State.UNKNOWN;
        };
        String detail = exit == null ? said
                : said + ", last exit " + (exit < 0 ? "by signal " + -exit : "code " + exit);
        return new ServiceState(state, job.running() ? job.pid() : -1, job.runs() > 0 ? job.runs() - 1 : -1, null,
                -1, -1, exit, detail);
    }

    private interface Action<T> {
        T run() throws IOException;
    }

    /** Runs a launchctl sequence; a failure names the service and what was tried, then what launchctl said. */
    private <T> T act(String what, Action<T> action) throws IOException {
        try {
            return action.run();
        } catch (IOException e) {
            throw new IOException(service + ": cannot " + what + " " + manager.label() + ": " + e.getMessage(), e);
        }
    }
}
