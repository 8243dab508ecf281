package dev.homefleet.core.service.process;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A plain process on a POSIX machine (Linux, macOS, the demo), kept with a state directory instead of a process
 * manager: a pid file, a log file and an env file. Everything runs as a {@code /bin/sh} script through the
 * {@link CommandRunner}, so the same manager works on this machine and over SSH.
 *
 * <p>start launches the command detached ({@code setsid}, else {@code nohup}), stdin from /dev/null, stdout and
 * stderr appended to the log, in its working directory, with the env file's variables on top of the runner's
 * environment, under a small sh supervisor that records how it ended; then checks it is still alive after the
 * settle time. A second start while it runs does nothing. stop sends TERM to its process group (the service and
 * everything it started, when setsid made one), waits up to the grace period, then sends KILL.
 *
 * <p>See {@link ProcessScripts} for the files and how a pid that was reused by another process is recognised.
 */
public final class ProcessServiceManager implements ServiceManager {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    /** How long start waits before it checks that the process is still alive. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);
    /** The bound on a script's own work: reading a few files, ps, tail; start and stop add their waits. */
    static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Duration PID_FILE_WAIT = Duration.ofMillis(ProcessScripts.PID_FILE_WAIT_TENTHS * 100L);
    private static final Duration KILL_WAIT = Duration.ofMillis(ProcessScripts.KILL_WAIT_TENTHS * 100L);

    private final CommandRunner runner;
    private final String name;
    private final List<String> command;
    private final String cwd;
    private final String stateDirectory;
    private final Duration grace;
    private final Duration settle;

    private ProcessServiceManager(Builder builder) {
        this.runner = builder.runner;
        this.name = builder.name;
        this.command = builder.command;
        this.cwd = builder.cwd;
        this.stateDirectory = builder.stateDirectory != null ? builder.stateDirectory
                : defaultStateDirectory(builder.name);
        this.grace = builder.grace;
        this.settle = builder.settle;
    }

    /**
     * @param name    the service's name in fleet.yaml; it names the default state directory
     * @param command the program and its arguments, as an argv (no shell parses it)
     */
    public static Builder builder(CommandRunner runner, String name, List<String> command) {
        return new Builder(runner, name, command);
    }

    /**
     * The manager for a fleet.yaml service of type process, with the default state directory and grace period. The
     * process starts with the env file's variables: write the service's {@code env} with {@link #setEnvironment}
     * before its first start (building a manager does no I/O).
     */
    public static ProcessServiceManager of(String serviceName, ManagerSpec spec, CommandRunner runner) {
        if (spec.type() != ManagerSpec.Type.PROCESS) {
            throw new IllegalArgumentException("a " + spec.type() + " service is not a plain process");
        }
        return builder(runner, serviceName, spec.command()).cwd(spec.cwd()).build();
    }

    /** {@code ~/.homefleet/run/NAME}, in the home directory of whoever the runner runs as. */
    public static String defaultStateDirectory(String name) {
        return "~/.homefleet/run/" + name;
    }

    public String stateDirectory() {
        return stateDirectory;
    }

    @Override
    public ServiceState status() throws IOException {
        return report("status", ProcessScripts.status(stateDirectory), SCRIPT_TIMEOUT).state();
    }

    /**
     * Starts the command unless it already runs. Throws when it is not alive after the settle time, with how it
     * ended and the end of its log.
     */
    @Override
    public void start() throws IOException {
        Duration timeout = SCRIPT_TIMEOUT.plus(PID_FILE_WAIT).plus(settle);
        ProcessReport report = report("start", ProcessScripts.start(stateDirectory, cwd, command, settle), timeout);
        if (!report.running()) {
            throw new IOException(subject() + " did not stay up after start: " + report.state().detail());
        }
    }

    /** TERM, up to the grace period, then KILL; removes the pid file. Nothing to do when it is not running. */
    @Override
    public void stop() throws IOException {
        run("stop", ProcessScripts.stop(stateDirectory, grace), SCRIPT_TIMEOUT.plus(grace).plus(KILL_WAIT));
    }

    @Override
    public void restart() throws IOException {
        stop();
        start();
    }

    /** The last {@code lines} lines of the log file, which collects stdout and stderr of every run. */
    @Override
    public List<String> logs(int lines) throws IOException {
        if (lines < 0) {
            throw new IllegalArgumentException("lines must be 0 or more, was " + lines);
        }
        if (lines == 0) {
            return List.of();
        }
        String output = run("logs", ProcessScripts.logs(stateDirectory, lines), SCRIPT_TIMEOUT);
        return output.lines().toList();
    }

    /** The variables of the env file; none when there is no env file yet. */
    @Override
    public Map<String, String> environment() throws IOException {
        String text = run("read the env file", ProcessScripts.readEnvironment(stateDirectory), SCRIPT_TIMEOUT);
        try {
            return EnvFile.parse(text);
        } catch (IllegalArgumentException unreadable) {
            throw new IOException(subject() + ": cannot read " + stateDirectory + "/env, " + unreadable.getMessage(),
                    unreadable);
        }
    }

    /**
     * Replaces the env file (written to a temporary file, then renamed over it; readable by its owner only). The
     * process sees it at its next start.
     */
    @Override
    public void setEnvironment(Map<String, String> environment) throws IOException {
        String content = EnvFile.format(environment);
        run("write the env file", ProcessScripts.writeEnvironment(stateDirectory, content), SCRIPT_TIMEOUT);
    }

    @Override
    public String toString() {
        return subject();
    }

    private ProcessReport report(String action, String script, Duration timeout) throws IOException {
        String output = run(action, script, timeout);
        try {
            return ProcessReport.parse(output);
        } catch (IllegalArgumentException unreadable) {
            throw new IOException(subject() + ": the " + action + " script printed what homefleet cannot read: "
                    + unreadable.getMessage(), unreadable);
        }
    }

    private String run(String action, String script, Duration timeout) throws IOException {
        CommandResult result = runner.run(ProcessScripts.argv(script), timeout);
        if (result.timedOut()) {
            throw new IOException(subject() + ": " + action + " did not finish within " + timeout.toSeconds() + " s");
        }
        if (!result.ok()) {
            String said = result.stderr().strip();
            throw new IOException(subject() + ": " + action + " failed with exit code " + result.exitCode()
                    + (said.isEmpty() ? "" : ": " + said));
        }
        return result.stdout();
    }

    private String subject() {
        return "process service " + name + " on " + runner.describe();
    }

    /** Not thread-safe; the manager it builds is immutable. */
    public static final class Builder {

        private final CommandRunner runner;
        private final String name;
        private final List<String> command;
        private String cwd;
        private String stateDirectory;
        private Duration grace = DEFAULT_GRACE;
        private Duration settle = DEFAULT_SETTLE;

        private Builder(CommandRunner runner, String name, List<String> command) {
            this.runner = Objects.requireNonNull(runner, "runner");
            if (name == null || !SERVICE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("service name '" + name + "' cannot name a state directory:"
                        + " letters, digits, '.', '_' and '-', not starting with '.' or '-'");
            }
            this.name = name;
            if (command == null || command.isEmpty()) {
                throw new IllegalArgumentException("a process service needs a command (manager.command)");
            }
            for (String word : command) {
                if (word == null || word.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("the command of " + name + " holds a "
                            + (word == null ? "null" : "NUL character") + ", which no program can receive");
                }
            }
            this.command = List.copyOf(command);
        }

        /** The directory the command runs in; {@code ~/} is the runner's home. By default the runner's own. */
        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        /** Where the pid, log and env files live; {@code ~/} is the runner's home. */
        public Builder stateDirectory(String directory) {
            this.stateDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** How long stop waits after TERM before it sends KILL. */
        public Builder grace(Duration grace) {
            this.grace = positive("grace", grace);
            return this;
        }

        /** How long start waits before it checks that the process is alive. */
        public Builder settle(Duration settle) {
            this.settle = positive("settle", settle);
            return this;
        }

        public ProcessServiceManager build() {
            return new ProcessServiceManager(this);
        }

        private static Duration positive(String what, Duration duration) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + duration);
            }
            return duration;
        }
    }
}
