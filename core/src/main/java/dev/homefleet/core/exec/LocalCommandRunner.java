package dev.homefleet.core.exec;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs programs on this machine with {@link ProcessBuilder}: the argv goes to the program as is, no shell is
 * involved. Both output streams are read at once and kept up to {@link #DEFAULT_MAX_OUTPUT_BYTES} each; standard
 * input is closed, so a program that reads it sees its end instead of waiting. On timeout the program and every
 * process it started are stopped. Immutable and safe to share between threads; each call uses two reader threads of
 * its own, which end when the output pipes close.
 *
 * <p>A command that leaves a background process holding its output open ({@code sh -c 'server &'}) comes back once
 * it has exited, with a marker in its output; redirect such a process's output ({@code server >log 2>&1 &}).
 */
public final class LocalCommandRunner implements CommandRunner {

    public static final int DEFAULT_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
    /** How long a stopped process tree gets to exit on SIGTERM before it is killed. */
    static final Duration KILL_GRACE = Duration.ofMillis(500);
    /** How long output may still arrive after the program has exited. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(LocalCommandRunner.class);
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private final Path workingDirectory;
    private final Map<String, String> environment;
    private final int maxOutputBytes;

    /** Runs in the JVM's working directory and environment. */
    public LocalCommandRunner() {
        this(new Builder());
    }

    private LocalCommandRunner(Builder builder) {
        this.workingDirectory = builder.workingDirectory;
        this.environment = Map.copyOf(builder.environment);
        this.maxOutputBytes = builder.maxOutputBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(argv);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        if (command.contains(null)) {
            throw new IllegalArgumentException("argument " + command.indexOf(null) + " of the command is null");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        String program = command.get(0);
        if (!WINDOWS) {
            requireEncodable(command, environment, nativeCharsets());
        }
        if (workingDirectory != null && !Files.isDirectory(workingDirectory)) {
            throw new IOException("cannot run " + program + ": working directory " + workingDirectory
                    + " does not exist");
        }
        if (environment.containsKey("PATH") && !hasSeparator(program)) {
            // The JDK looks programs up on the JVM's own PATH; a PATH given here is meant to be the one that counts.
            Path found = locate(program).orElseThrow(() -> notFound(program, null));
            command.set(0, found.toString());
        }

        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw startFailure(program, e);
        }
        return await(process, program, timeout, started);
    }

    private CommandResult await(Process process, String program, Duration timeout, long started)
            throws IOException {
        closeStdin(process);
        String threadName = "exec-" + process.pid() + "-";
        OutputCapture stdout = OutputCapture.start(process.getInputStream(), maxOutputBytes, threadName + "stdout");
        OutputCapture stderr = OutputCapture.start(process.getErrorStream(), maxOutputBytes, threadName + "stderr");
        try {
            boolean timedOut = !process.waitFor(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
            if (timedOut) {
                int stopped = ProcessTree.destroy(process.toHandle(), KILL_GRACE);
                log.debug("{} timed out after {}; stopped {} process(es)", program, timeout, stopped);
            }
            long drainDeadline = System.nanoTime() + DRAIN_GRACE.toNanos();
            boolean drained = stdout.awaitEnd(drainDeadline) & stderr.awaitEnd(drainDeadline);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            int exitCode = timedOut ? -1 : process.exitValue();
            if (!drained) {
                log.debug("{} exited but a process it started still holds its output open", program);
            }
            log.debug("{} ran {} ms, exit code {}", program, took.toMillis(), exitCode);
            return new CommandResult(exitCode, stdout.text(), stderr.text(), took, timedOut);
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + program + "; it was killed");
        }
    }

    @Override
    public String describe() {
        return "local";
    }

    /**
     * The JDK encodes arguments and environment in the platform charset and silently turns what does not fit into
     * {@code ?}: {@code café} would reach the program as {@code caf?}. Refuse instead.
     */
    static void requireEncodable(List<String> argv, Map<String, String> environment, List<Charset> charsets) {
        for (Charset charset : charsets) {
            String fix = " cannot be passed on: this JVM encodes it as " + charset
                    + "; start the JVM in a UTF-8 locale (LANG=C.UTF-8)";
            for (int i = 0; i < argv.size(); i++) {
                if (!charset.newEncoder().canEncode(argv.get(i))) {
                    throw new IllegalArgumentException("argument " + i + " of " + argv.get(0) + fix);
                }
            }
            environment.forEach((name, value) -> {
                if (!charset.newEncoder().canEncode(name + value)) {
                    throw new IllegalArgumentException("environment variable " + name + fix);
                }
            });
        }
    }

    private static List<Charset> nativeCharsets() {
        // JDK 17 encodes arguments with the default charset, later JDKs with sun.jnu.encoding.
        List<Charset> charsets = new ArrayList<>(List.of(Charset.defaultCharset()));
        String jnu = System.getProperty("sun.jnu.encoding");
        if (jnu != null && Charset.isSupported(jnu)) {
            charsets.add(Charset.forName(jnu));
        }
        return charsets;
    }

    private IOException startFailure(String program, IOException cause) {
        Optional<Path> found = locate(program);
        if (found.isEmpty()) {
            return notFound(program, cause);
        }
        String reason = cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
        return new IOException("cannot run " + program + " (" + found.get() + "): " + reason, cause);
    }

    private IOException notFound(String program, IOException cause) {
        if (hasSeparator(program)) {
            String base = workingDirectory == null ? "" : " (relative to " + workingDirectory + ")";
            return new IOException("cannot run " + program + ": no such file" + base, cause);
        }
        return new IOException("cannot run " + program + ": not found on PATH (" + searchPath()
                + "); install it or give its absolute path", cause);
    }

    /** Where {@code program} would be found: the file itself when it names a path, else the first match on PATH. */
    private Optional<Path> locate(String program) {
        if (hasSeparator(program)) {
            Path path = Path.of(program);
            if (workingDirectory != null) {
                path = workingDirectory.resolve(path);
            }
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        }
        List<String> suffixes = new ArrayList<>(List.of(""));
        if (WINDOWS) {
            suffixes.addAll(List.of(System.getenv().getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(";")));
        }
        for (String dir : searchPath().split(File.pathSeparator)) {
            for (String suffix : suffixes) {
                Path candidate;
                try {
                    candidate = Path.of(dir.isEmpty() ? "." : dir, program + suffix);
                } catch (RuntimeException invalidPathEntry) {
                    continue;
                }
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private String searchPath() {
        return environment.getOrDefault("PATH", Objects.requireNonNullElse(System.getenv("PATH"), ""));
    }

    private static boolean hasSeparator(String program) {
        return program.indexOf('/') >= 0 || (WINDOWS && program.indexOf('\\') >= 0);
    }

    private static void closeStdin(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing was written; a failed close changes nothing for the program.
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** Where and with what the programs run. Not thread-safe; the runner it builds is. */
    public static final class Builder {

        private Path workingDirectory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private int maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;

        private Builder() {}

        /** The directory programs run in; by default the JVM's. */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Adds or replaces one variable of the environment programs inherit from the JVM. */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How much of each output stream is kept; the rest is read and dropped. */
        public Builder maxOutputBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxOutputBytes must be at least 1 byte, was " + bytes);
            }
            this.maxOutputBytes = bytes;
            return this;
        }

        public LocalCommandRunner build() {
            return new LocalCommandRunner(this);
        }
    }
}
