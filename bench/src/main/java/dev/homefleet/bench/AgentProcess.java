package dev.homefleet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real node agent, its jar started in a JVM of its own with the launcher's flags, on 127.0.0.1 and a port it picks,
 * for a one-machine fleet whose agent has no token (allowed on loopback only).
 */
final class AgentProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    static final String MACHINE = "bench";

    private static final String FLEET = """
            controller:
              machine: %1$s
            machines:
              %1$s:
                os: linux
                reach:
                  via: local
                agent:
                  bind: loopback
            """.formatted(MACHINE);

    /** The line the agent logs once it listens; with {@code --port 0} it is where the port is told. */
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) ");

    private final Process process;
    private final Path log;
    private URI base;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the agent and waits until {@code GET /v1/health} answers 200; {@code cleanup} stops it. */
    static AgentProcess start(Path jar, List<String> jvmFlags, Path dir, Cleanup cleanup) throws Exception {
        return start(jar, jvmFlags, dir, cleanup, FLEET, MACHINE, List.of());
    }

    /**
     * As {@link #start(Path, List, Path, Cleanup)}, for machine {@code machine} of the fleet {@code fleetYaml}, with
     * more arguments for {@code homefleet-agent agent}.
     */
    static AgentProcess start(Path jar, List<String> jvmFlags, Path dir, Cleanup cleanup, String fleetYaml,
            String machine, List<String> moreArgs) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no agent jar at " + jar + "; build it with: mvn -B -pl node-agent -am -DskipTests "
                    + "package");
        }
        Files.createDirectories(dir);
        Path fleet = dir.resolve("fleet.yaml");
        Files.writeString(fleet, fleetYaml);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString(), "agent", "--config", fleet.toString(), "--machine", machine,
                "--bind", "loopback", "--port", "0", "--socket", dir.resolve("agent.sock").toString(),
                "--no-mdns"));
        command.addAll(moreArgs);
        Path log = dir.resolve("agent.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        AgentProcess agent = cleanup.add("the agent (pid " + process.pid() + ")",
                new AgentProcess(process, log));
        agent.awaitHealthy();
        return agent;
    }

    long pid() {
        return process.pid();
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Waits for the agent's "listening on URL" line, then for a 200 from {@code GET /v1/health}. */
    private void awaitHealthy() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the agent exited with " + process.exitValue() + " before answering: " + log());
            }
            if (base == null) {
                Matcher listening = LISTENING.matcher(log());
                if (listening.find()) {
                    base = URI.create(listening.group(1));
                }
            } else {
                HttpRequest health = HttpRequest.newBuilder(uri("/v1/health")).timeout(Duration.ofSeconds(2)).build();
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not answering yet
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("the agent did not answer GET /v1/health within " + START_TIMEOUT.toSeconds() + " s: "
                + log());
    }

    /** SIGTERM, as the launcher's service manager would stop it; killed if it is still there after 10 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
