package dev.homefleet.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

class AgentChecksTest {

    private static final String TOKEN = "checks-token-40c2";
    private static final SystemInfo OSHI = new SystemInfo();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path home;

    private HttpServer web;
    private LocalCommandRunner local;
    private AgentApi api;
    private AgentServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startWebServer() throws IOException {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        web.createContext("/", ex -> {
            byte[] body = "{\"status\": \"starting\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        // The process manager keeps its state under this HOME.
        local = LocalCommandRunner.builder().environment("HOME", home.toString())
                .environment("PATH", "/usr/bin:/bin").build();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        web.stop(0);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void startAgent() throws IOException {
        String yaml = """
                controller:
                  machine: box
                machines:
                  box:
                    os: linux
                    reach:
                      via: local
                    agent:
                      bind: loopback
                      token: ${TOKEN}
                    services:
                      web:
                        manager: {type: process, command: [sleep, "1000"]}
                        port: %1$d
                        bind: loopback
                        check:
                          http: http://127.0.0.1:%1$d/
                      api:
                        manager: {type: process, command: [sleep, "1000"]}
                        check:
                          http: http://127.0.0.1:%1$d/
                          json_field: status
                          json_equals: ok
                      plain:
                        manager: {type: process, command: [sleep, "1000"]}
                      game:
                        manager: {type: process, command: [sleep, "1000"]}
                        check:
                          tcp: 127.0.0.1:%2$d
                      script:
                        manager: {type: process, command: [sleep, "1000"]}
                        check:
                          command: [sh, -c, "echo 'disk full' >&2; exit 2"]
                      stuck:
                        manager: {type: process, command: [sleep, "1000"]}
                        check:
                          command: [sleep, "30"]
                          timeout: 500ms
                      worker:
                        manager: {type: process, command: [sleep, "1000"]}
                        check:
                          manager: true
                """.formatted(web.getAddress().getPort(), closedPort());
        MachineSpec box = new FleetConfigLoader(Map.of("TOKEN", TOKEN)).parse(yaml, "fleet.yaml").config()
                .machine("box").orElseThrow();
        api = new AgentApi(box, "v", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()), Managers.standard(), local);
        open.add(api);
        server = new AgentServer(api, "127.0.0.1", 0, TOKEN).start();
        open.add(server);
    }

    private JsonNode checks() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/checks"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode of(JsonNode checks, String service) {
        for (JsonNode c : checks) {
            if (c.path("service").asText().equals(service)) {
                return c;
            }
        }
        throw new AssertionError("no check of " + service + " in " + checks);
    }

    @Test
    void every_service_with_a_check_is_checked_and_reported_in_file_order() throws Exception {
        startAgent();
        Instant before = Instant.now().minusSeconds(1);
        JsonNode checks = checks();

        List<String> services = new ArrayList<>();
        checks.forEach(c -> services.add(c.path("service").asText()));
        assertThat(services).as("plain has no check").containsExactly("web", "api", "game", "script", "stuck",
                "worker");
        for (JsonNode c : checks) {
            assertThat(c.fieldNames()).toIterable().containsExactlyInAnyOrder("service", "ok", "latency_ms", "detail",
                    "at");
            assertThat(Instant.parse(c.path("at").asText())).isBetween(before, Instant.now());
            assertThat(c.path("latency_ms").asLong()).isNotNegative();
        }

        JsonNode webCheck = of(checks, "web");
        assertThat(webCheck.path("ok").asBoolean()).isTrue();
        assertThat(webCheck.path("detail").asText()).matches("200 in \\d+ ms");
        assertThat(of(checks, "api").path("detail").asText()).isEqualTo("status is 'starting', expected 'ok'");
        assertThat(of(checks, "game").path("detail").asText()).isEqualTo("connection refused");
        assertThat(of(checks, "script").path("detail").asText()).isEqualTo("exit 2: disk full");
        assertThat(of(checks, "stuck").path("detail").asText()).isEqualTo("timed out after 500ms");
        assertThat(of(checks, "worker").path("detail").asText()).startsWith("manager: stopped");
        for (String failing : List.of("api", "game", "script", "stuck", "worker")) {
            assertThat(of(checks, failing).path("ok").asBoolean()).as(failing).isFalse();
        }
    }

    @Test
    void a_manager_check_follows_the_services_manager() throws Exception {
        startAgent();
        ProcessServiceManager worker = ProcessServiceManager.of("worker",
                api.machine().services().get("worker").manager(), local);
        worker.start();
        try {
            JsonNode check = of(checks(), "worker");
            assertThat(check.path("ok").asBoolean()).as(check.toString()).isTrue();
            assertThat(check.path("detail").asText()).startsWith("manager: running");
        } finally {
            worker.stop();
        }
    }
}
