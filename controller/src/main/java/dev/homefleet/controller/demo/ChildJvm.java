package dev.homefleet.controller.demo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A JVM the demo starts with the demo's own Java and class path, as a machine of the demo fleet would run it: a HOME
 * of its own (and {@code user.home}), its output in a log file. {@link #close} stops it with SIGTERM, then SIGKILL,
 * together with anything it started that is still its descendant.
 */
final class ChildJvm implements AutoCloseable {
    /** Small and quick to start, like the daemons' jvm.options. */
    static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms16m", "-Xmx96m",
            "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The {@code java} of this JVM. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** This JVM's class path with every entry absolute, so that it works from any working directory. */
    static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Starts {@code main} with {@code args}.
     *
     * @param environment the whole environment of the child (HOME included)
     */
    static ChildJvm start(String name, Path home, Map<String, String> environment, String main, List<String> args,
            Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(FLAGS);
        command.add("-Duser.home=" + home);
        command.add("-cp");
        command.add(classPath());
        command.add(main);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ChildJvm(name, builder.start(), log);
    }

    /**
     * Waits until it accepts connections on 127.0.0.1:{@code port}; throws with its log when it exits or times out,
     * and InterruptedException once {@code cancelled} says so.
     */
    void awaitListening(int port, Duration within, BooleanSupplier cancelled) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedException("stopped while waiting for " + name);
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it listened on port "
                        + port + "; its log " + log + " ends:\n" + tail(log, 20));
            }
            if (listening(port)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException(name + " did not listen on port " + port + " within " + within.toSeconds()
                + " s; its log " + log + " ends:\n" + tail(log, 20));
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    /** SIGTERM, up to {@link #STOP_GRACE}, then SIGKILL; its remaining descendants get SIGKILL too. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
