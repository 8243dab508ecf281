package dev.homefleet.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenSSH's {@code ssh} client against one server on 127.0.0.1, run the two ways a CLI user would: a new process and
 * connection per command, or per command through a ControlMaster that holds one connection open.
 */
final class OpenSshCli {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final File NO_INPUT = new File("/dev/null");
    private static final Pattern MASTER_PID = Pattern.compile("Master running \\(pid=(\\d+)\\)");

    private final List<String> base;
    private final String destination;
    private final Path controlPath;
    private final Path log;

    /**
     * @param controlPath the master's socket; short, since a Unix socket path has room for about 100 bytes and ssh
     *                    adds a random suffix while it creates it
     * @param log         where every ssh process's stderr is appended
     */
    OpenSshCli(Path key, Path knownHosts, String user, int port, Path controlPath, Path log) {
        this.base = List.of("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-i", key.toString(), "-p", Integer.toString(port));
        this.destination = user + "@127.0.0.1";
        this.controlPath = controlPath;
        this.log = log;
    }

    /**
     * {@code ssh ... HOST COMMAND} in a process of its own, without any ControlMaster a user's config might name.
     *
     * @return the wall time from starting the process to its exit, in nanoseconds
     */
    long perCommand(String command) throws IOException, InterruptedException {
        return timed(argv(List.of("-o", "ControlMaster=no", "-o", "ControlPath=none"), command));
    }

    /** {@code ssh -o ControlPath=... HOST COMMAND}: a new process that asks the running master for a channel. */
    long multiplexed(String command) throws IOException, InterruptedException {
        return timed(argv(List.of("-o", "ControlPath=" + controlPath), command));
    }

    /** Starts a master in the background ({@code -N -f}) and returns what stops it. */
    Master startMaster() throws IOException, InterruptedException {
        List<String> argv = argv(List.of("-o", "ControlMaster=yes", "-o", "ControlPath=" + controlPath,
                "-o", "ControlPersist=yes", "-N", "-f"), null);
        int exit = run(argv, log);
        if (exit != 0) {
            throw new IOException("the ssh ControlMaster did not start (exit " + exit + "): " + tail(log));
        }
        Path check = Files.createTempFile(log.getParent(), "check", ".txt");
        int checked = run(argv(List.of("-o", "ControlPath=" + controlPath, "-O", "check"), null), check);
        Matcher pid = MASTER_PID.matcher(Files.readString(check));
        if (checked != 0 || !pid.find()) {
            throw new IOException("ssh -O check found no ControlMaster at " + controlPath + ": " + Files.readString(check));
        }
        return new Master(Long.parseLong(pid.group(1)));
    }

    /** A running master: {@code ssh -O exit} asks it to stop; a master still there after that is killed. */
    final class Master implements AutoCloseable {
        private final long pid;

        private Master(long pid) {
            this.pid = pid;
        }

        long pid() {
            return pid;
        }

        boolean alive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        /** Idempotent: the run's end and the cleanup both call it. */
        @Override
        public synchronized void close() throws IOException {
            if (!alive()) {
                return;
            }
            try {
                run(argv(List.of("-o", "ControlPath=" + controlPath, "-O", "exit"), null), log);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Optional<ProcessHandle> master = ProcessHandle.of(pid);
                if (master.isPresent() && master.get().isAlive()) {
                    master.get().onExit().completeOnTimeout(null, STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .join();
                    master.get().destroyForcibly();
                }
            }
        }
    }

    private List<String> argv(List<String> options, String command) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(options);
        argv.add(destination);
        if (command != null) {
            argv.add(command);
        }
        return argv;
    }

    private long timed(List<String> argv) throws IOException, InterruptedException {
        long started = System.nanoTime();
        int exit = run(argv, log);
        long took = System.nanoTime() - started;
        if (exit != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + exit + ": " + tail(log));
        }
        return took;
    }

    /** Runs one ssh process to its end, within {@link #COMMAND_TIMEOUT}; its stderr goes to {@code err}. */
    private static int run(List<String> argv, Path err) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectInput(NO_INPUT).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new IOException(String.join(" ", argv) + " did not finish within " + COMMAND_TIMEOUT.toSeconds()
                    + " s");
        }
        return p.exitValue();
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
