package dev.homefleet.controller.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.daemon.ControllerDaemon;
import dev.homefleet.controller.daemon.Loopback;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small real fleet for the dashboard's end-to-end tests, on this machine only: machine {@code here} (reached
 * locally) runs two node HTTP servers under core's process manager, {@code web} and {@code api}, in a reserved port
 * range; machine {@code away} is reached through an agent that is not running, so it is down; a failover pair and two
 * check-ins. The controller runs in this JVM on 127.0.0.1 at a fixed port (so a restarted controller is found at the
 * same address) with an admin and a viewer token; its HOME, store and socket are under the test's directory.
 *
 * <p>Like the daemon package's LocalFleet, which it follows (that one is package-private there): every process it
 * starts carries {@link #marker} in its command line, and {@link #close} checks that none is left.
 */
final class DashboardFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardFleet.class);
    static final String ADMIN = "admin-e2e-4b9d2c61f0";
    static final String VIEWER = "viewer-e2e-83a1f5e7";
    static final String HOST = Loopback.HOST;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path home;
    final Path file;
    final Map<String, String> env;
    final String marker = "hf-dash-" + UUID.randomUUID().toString().substring(0, 8);
    final int port;
    final int webPort;
    final int apiPort;
    private final LocalCommandRunner runner;
    private volatile ControllerDaemon daemon;

    DashboardFleet(Path dir) {
        home = dir.resolve("home");
        file = dir.resolve("fleet.yaml");
        try {
            Files.createDirectories(home.resolve(".homefleet"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env = Map.of("HOME", home.toString(), "PATH", Objects.requireNonNullElse(System.getenv("PATH"),
                "/usr/bin:/bin"));
        runner = LocalCommandRunner.builder().environment("HOME", home.toString()).build();
        port = Loopback.freePort();
        webPort = freePair();
        apiPort = webPort + 1;
        int agentPort = Loopback.freePort();
        write("""
                version: 1
                name: dashboard-e2e
                controller:
                  machine: here
                machines:
                  here:
                    description: this machine, the controller
                    os: linux
                    role: controller
                    reach:
                      via: local
                    services:
                %s%s
                  away:
                    description: a worker whose agent is not running
                    os: macos
                    role: worker
                    reach:
                      via: agent
                    agent:
                      port: %d
                      bind: loopback
                    services:
                      standby:
                        description: the standby of web
                        manager:
                          type: process
                          command: [sleep, "600"]
                        check:
                          manager: true
                ports:
                  reserved:
                    e2e:
                      range: %d-%d
                      description: the test's web servers
                      default_ports: [%d]
                    later:
                      range: %d-%d
                      description: kept for later
                jobs:
                  checks:
                    schedule: "@every 1s"
                  heartbeat:
                    schedule: "@every 5s"
                  healer:
                    schedule: "@every 1h"
                    max_restarts_per_run: 0
                  cleaner:
                    enabled: false
                checkins:
                  nightly-backup:
                    machine: here
                    schedule: "0 3 * * *"
                    grace: 30m
                  sync:
                    machine: here
                    schedule: "* * * * *"
                    grace: 1m
                failover:
                  web:
                    primary:
                      machine: here
                      service: web
                    standby:
                      machine: away
                      service: standby
                    check: http://127.0.0.1:%d/
                """.formatted(
                nodeService("web", webPort, "the <b>public</b> site & its <img src=x onerror=alert(1)> API"),
                nodeService("api", apiPort, "the JSON API"), agentPort, webPort, webPort + 9, webPort,
                webPort + 20, webPort + 29, webPort));
    }

    /** A service of "here" that runs a node HTTP server on $PORT logging each request, as YAML at 6 spaces. */
    private String nodeService(String name, int servicePort, String description) {
        String server = "/*" + marker + "*/ require('http').createServer((q, r) => { console.log(new Date()"
                + ".toISOString() + ' ' + q.method + ' ' + q.url + ' 200'); r.end('ok'); }).listen(+process.env.PORT, "
                + "'127.0.0.1', () => console.log('" + name + " listening on ' + process.env.PORT))";
        return """
                      %s:
                        description: "%s"
                        project: e2e
                        manager:
                          type: process
                          command: [node, -e, "%s"]
                        port: %d
                        bind: loopback
                        check:
                          http: http://127.0.0.1:%d/
                          timeout: 1s
                          fall: 2
                          rise: 1
                """.formatted(name, description, server, servicePort, servicePort);
    }

    private void write(String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FleetConfig load() {
        LoadResult result = new FleetConfigLoader(env).load(file);
        assertThat(result.errors()).as("the test's fleet.yaml is valid").isEmpty();
        return result.config();
    }

    ProcessServiceManager process(String service) {
        return ProcessServiceManager.of(service, load().machines().get("here").services().get(service).manager(),
                runner);
    }

    /** Starts web and api with their PORT and waits until both answer. */
    void startServices() throws IOException {
        for (var service : Map.of("web", webPort, "api", apiPort).entrySet()) {
            ProcessServiceManager manager = process(service.getKey());
            manager.setEnvironment(Map.of("PORT", Integer.toString(service.getValue())));
            manager.start();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> Loopback.listening(webPort) && Loopback.listening(apiPort));
    }

    long pid(String service) throws IOException {
        return process(service).status().pid();
    }

    /** Starts (or starts again, on the same port and store) the controller with both tokens. */
    ControllerDaemon start() throws IOException {
        daemon = ControllerDaemon.start(new ControllerDaemon.Options(file, load(), env, home,
                home.resolve(".homefleet/controller.sock"), home.resolve(".homefleet/homefleet.db"), HOST, port,
                new Tokens(ADMIN, VIEWER), Duration.ofMillis(200), Clock.systemUTC(), null));
        return daemon;
    }

    ControllerDaemon daemon() {
        return daemon;
    }

    /** Stops the controller (its services go on running, as with launchd's stop). */
    void stop() {
        ControllerDaemon running = daemon;
        daemon = null;
        if (running != null) {
            running.close();
        }
    }

    /**
     * The dashboard's address under a name that is not loopback: the browser resolves it to 127.0.0.1 (see {@link
     * Browser#NAME}), and the controller, seeing a Host header that names neither loopback nor its bind address,
     * treats the browser as it would a phone on the tailnet: it must sign in.
     */
    String remoteUrl() {
        return "http://" + Browser.NAME + ":" + port;
    }

    /** What a standby reports after taking over: POST /api/v1/failover/events, from this machine as agents do. */
    void reportTakeover() throws Exception {
        Instant now = Instant.now();
        post("/api/v1/failover/events", """
                {"failover":"web","primary_machine":"here","primary_service":"web","standby_machine":"away",
                 "standby_service":"standby","from":"suspect","to":"active","mode":"auto","at":"%s",
                 "reason":"3 failed checks in a row (fall 3) (connection refused)","failures":3,"successes":0,
                 "check":"http://127.0.0.1:%d/","message":"away took over web: here/web failed 3 checks in a row",
                 "problem":null}""".formatted(now, webPort));
    }

    /** A check-in report, as a cron script sends it. */
    void checkIn(String name, String message) throws Exception {
        post("/api/v1/checkins/" + name, "{\"status\":\"ok\",\"message\":\"" + message + "\"}");
    }

    private void post(String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port
                + path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 299);
    }

    /** A free port whose next one is free too (web and api side by side in one reserved range). */
    private static int freePair() {
        for (int i = 0; i < 50; i++) {
            int first = Loopback.freePort();
            if (first < 65_000 && !Loopback.listening(first + 1) && !Loopback.listening(first + 20)) {
                return first;
            }
        }
        throw new IllegalStateException("no two free ports side by side on " + HOST);
    }

    @Override
    public void close() {
        stop();
        for (String service : List.of("web", "api")) {
            try {
                process(service).stop();
            } catch (IOException | RuntimeException e) {
                log.warn("stopping {}: {}", service, e.getMessage());
            }
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Loopback.pids(marker).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<Long> left = Loopback.pids(marker);
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            assertThat(left).as("processes of %s left running after the test", marker).isEmpty();
        }
    }
}
