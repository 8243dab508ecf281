package dev.homefleet.controller.daemon;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;

/**
 * {@code fleet controller --config F --port 0} as its own process, the way launchd runs it, with HOME (and
 * user.home) in a test's directory. Its URL is read from the line it prints once it listens.
 */
final class ControllerProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("homefleet controller for \\S+: (http://\\S+), socket ");

    private final Process process;
    private final Path log;
    private final AtomicReference<String> url = new AtomicReference<>();

    private ControllerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ControllerProcess start(LocalFleet fleet, String name) throws IOException {
        Path log = fleet.file.resolveSibling(name + ".log");
        Process process = Loopback.java(fleet.home, "dev.homefleet.controller.cli.Main", List.of("controller",
                "--config", fleet.file.toString(), "--port", "0", "--reload-quiet", "200ms"))
                .redirectError(log.toFile()).start();
        ControllerProcess controller = new ControllerProcess(process, log);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        controller.url.set(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the pipe closes with the process
            }
        }, "controller-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("fleet controller exited with " + process.exitValue() + ":\n"
                            + Files.readString(log));
                }
                return controller.url.get() != null;
            });
        } catch (RuntimeException e) {
            controller.close();
            throw e;
        }
        return controller;
    }

    String url() {
        return url.get();
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, launchd's stop; how long it took to exit. */
    Duration terminate(Duration within) throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** kill -9: no shutdown hook, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One column of a query on the database, read-only: a store opened for writing would mark the runs a
     * controller left running as abandoned, and a running controller's must be left alone.
     */
    static List<String> query(Path database, String sql) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        List<String> rows = new ArrayList<>();
        try (Connection db = config.createConnection("jdbc:sqlite:" + database);
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
