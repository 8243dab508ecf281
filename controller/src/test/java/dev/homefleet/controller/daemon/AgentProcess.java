package dev.homefleet.controller.daemon;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real node agent ({@code homefleet-agent agent}) in its own JVM on 127.0.0.1, for one machine of a fleet.yaml.
 * {@link #close} lets it run again if it was stopped, then ends it.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The HOME the agent started in {@code dir} runs with: its process services keep their files there. */
    static Path home(Path dir) throws IOException {
        return Files.createDirectories(dir.resolve("agent-home"));
    }

    /** Starts the agent of {@code machine} on {@code port} and waits until it answers. */
    static AgentProcess start(Path fleetFile, String machine, int port, Path dir) throws IOException {
        Path home = home(dir);
        Path log = dir.resolve("agent.log");
        Process process = Loopback.java(home, "dev.homefleet.agent.AgentMain", List.of("agent", "--config",
                fleetFile.toString(), "--machine", machine, "--port", Integer.toString(port), "--bind", Loopback.HOST,
                "--no-mdns", "--socket", dir.resolve("agent.sock").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AgentProcess agent = new AgentProcess(process, log);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the agent exited with " + process.exitValue() + ":\n"
                            + Files.readString(log));
                }
                return Loopback.listening(port);
            });
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    long pid() {
        return process.pid();
    }

    void stop() {
        Loopback.signal(pid(), "STOP");
    }

    void resume() {
        Loopback.signal(pid(), "CONT");
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume();
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
