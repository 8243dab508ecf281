package dev.homefleet.agent.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
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
 * The real node agent ({@code homefleet-agent agent}) in a JVM of its own, from the test classpath, on 127.0.0.1 and
 * a port it picks, with HOME and its data directory in the test's directory, so a test can kill -9 it and start it
 * again on the same state.
 */
final class AgentJvm implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) ");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static int started;

    private final Process process;
    private final Path log;
    private URI base;

    private AgentJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the agent of {@code machine} and waits until {@code GET /v1/health} answers. */
    static AgentJvm start(Path dir, Path fleet, String machine) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.homefleet.agent.AgentMain", "agent", "--config", fleet.toString(), "--machine", machine,
                "--bind", "loopback", "--port", "0", "--socket", dir.resolve("agent.sock").toString(), "--no-mdns",
                "--data-dir", dir.resolve("data").toString()));
        Path log = dir.resolve("agent-" + (++started) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("HOME", home.toString());
        AgentJvm agent = new AgentJvm(builder.start(), log);
        try {
            agent.awaitHealthy();
        } catch (IOException | RuntimeException | InterruptedException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the agent exited with " + process.exitValue() + ": " + log());
            }
            if (base == null) {
                Matcher m = LISTENING.matcher(log());
                if (m.find()) {
                    base = URI.create(m.group(1));
                }
            } else {
                try {
                    HttpRequest health = HttpRequest.newBuilder(base.resolve("/v1/health"))
                            .timeout(Duration.ofSeconds(2)).build();
                    if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // starting
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("the agent did not answer within 30 s: " + log());
    }

    URI base() {
        return base;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** {@code GET path} as JSON; fails the test on anything but 200. */
    JsonNode get(String path) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    JsonNode post(String path) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private JsonNode call(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** kill -9: no shutdown hook runs, nothing is saved on the way out. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
