package dev.homefleet.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.TestFleet;
import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import oshi.SystemInfo;

class AgentServerTest {

    private static final SystemInfo OSHI = new SystemInfo();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long PID = ProcessHandle.current().pid();

    private final List<AutoCloseable> open = new ArrayList<>();
    private AgentServer server;

    private record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private AgentServer start(int webPort, String token) throws BindException {
        // The managers' commands run in a home of their own, with no pm2 on the PATH.
        LocalCommandRunner local;
        try {
            local = LocalCommandRunner.builder()
                    .environment("HOME", Files.createTempDirectory("hf-agent-home").toString())
                    .environment("PATH", "/usr/bin:/bin").build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AgentApi api = new AgentApi(TestFleet.box(webPort), "test-version", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()), Managers.standard(), local);
        server = new AgentServer(api, "127.0.0.1", 0, token).start();
        open.add(server);
        return server;
    }

    private AgentServer start() throws BindException {
        return start(1, TestFleet.TOKEN);
    }

    private Answer call(String method, String path, String token, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()), response);
    }

    private Answer get(String path) throws Exception {
        return call("GET", path, TestFleet.TOKEN, null);
    }

    private static void assertError(Answer answer, int status, String code) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.body().size()).isEqualTo(1);
        assertThat(answer.body().path("error").path("code").asText()).isEqualTo(code);
        assertThat(answer.body().path("error").path("message").asText()).isNotBlank();
    }

    @Test
    void health_answers_without_a_token_with_machine_version_and_uptime() throws Exception {
        start();
        Answer answer = call("GET", "/v1/health", null, null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("status").asText()).isEqualTo("ok");
        assertThat(answer.body().path("machine").asText()).isEqualTo("box");
        assertThat(answer.body().path("version").asText()).isEqualTo("test-version");
        assertThat(answer.body().path("uptime_s").asLong()).isBetween(0L, 60L);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /v1/metrics", "GET, /v1/ports", "GET, /v1/services", "GET, /v1/checks",
            "POST, /v1/services/web/restart", "POST, /v1/services/web/start", "POST, /v1/services/web/stop",
            "GET, /v1/services/web/logs", "GET, /v1/nothing-here"})
    void every_other_route_answers_401_without_a_token_or_with_a_wrong_one(String method, String path)
            throws Exception {
        start();
        Answer without = call(method, path, null, null);
        assertError(without, 401, "unauthorized");
        assertThat(without.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer"));
        Answer wrong = call(method, path, "not-the-token", null);
        assertError(wrong, 401, "unauthorized");
        assertThat(wrong.body().toString()).doesNotContain(TestFleet.TOKEN);
    }

    @Test
    void a_token_under_another_scheme_is_no_token() throws Exception {
        start();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/ports"))
                .header("Authorization", "Basic " + TestFleet.TOKEN).build();
        assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void metrics_are_plausible_and_agree_with_oshi() throws Exception {
        start();
        Answer answer = get("/v1/metrics");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode m = answer.body();
        long total = OSHI.getHardware().getMemory().getTotal();
        assertThat(m.path("memory_total").asLong()).isEqualTo(total);
        assertThat(m.path("memory_used").asLong()).isBetween(1L, total);
        assertThat(m.path("cpu_percent").asDouble()).isBetween(0.0, 100.0);
        assertThat(m.path("swap_used").asLong()).isBetween(0L, Math.max(0, m.path("swap_total").asLong()));
        assertThat(m.path("processes").asInt()).isPositive();
        assertThat(m.path("uptime_seconds").asLong()).isPositive();
        assertThat(m.path("collected_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(m.path("disks")).isNotEmpty();
        for (JsonNode disk : m.path("disks")) {
            assertThat(disk.path("mount").asText()).isNotBlank();
            assertThat(disk.path("used").asLong()).isBetween(0L, disk.path("total").asLong());
        }
    }

    @Test
    void metrics_answer_at_once_when_asked_twice_in_a_row() throws Exception {
        start();
        get("/v1/metrics");
        long started = System.nanoTime();
        assertThat(get("/v1/metrics").status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void ports_list_a_socket_this_test_listens_on_with_this_jvms_pid() throws Exception {
        start();
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            JsonNode ports = get("/v1/ports").body();
            assertThat(ports.isArray()).isTrue();
            JsonNode mine = null;
            for (JsonNode p : ports) {
                if (p.path("port").asInt() == socket.getLocalPort()) {
                    mine = p;
                }
            }
            assertThat(mine).as("port %d in %s", socket.getLocalPort(), ports).isNotNull();
            assertThat(mine.path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(mine.path("pid").asLong()).isEqualTo(PID);
            assertThat(mine.path("process").asText()).isNotBlank();
        }
    }

    @Test
    void a_service_is_up_with_this_pid_while_the_test_listens_on_its_port_and_down_once_it_stops()
            throws Exception {
        ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        int port = socket.getLocalPort();
        start(port, TestFleet.TOKEN);

        JsonNode up = service(get("/v1/services").body(), "web");
        assertThat(up.path("status").asText()).isEqualTo("up");
        assertThat(up.path("pid").asLong()).isEqualTo(PID);
        assertThat(up.path("process").asText()).isNotBlank();
        assertThat(up.path("port").asInt()).isEqualTo(port);
        assertThat(up.path("bind").asText()).isEqualTo("127.0.0.1");
        assertThat(up.path("manager").asText()).isEqualTo("pm2");

        socket.close();
        JsonNode down = service(get("/v1/services").body(), "web");
        assertThat(down.path("status").asText()).isEqualTo("down");
        assertThat(down.path("pid").isNull()).isTrue();
        assertThat(down.path("reason").asText()).isEqualTo("nothing is listening on port " + port);
    }

    @Test
    void services_are_reported_by_their_manager_and_by_their_port() throws Exception {
        start();
        JsonNode services = get("/v1/services").body();
        assertThat(services).hasSize(3);
        JsonNode worker = service(services, "worker");
        assertThat(worker.path("status").asText()).as("the process manager has never started it").isEqualTo("down");
        assertThat(worker.path("manager").asText()).isEqualTo("process");
        assertThat(worker.path("manager_state").asText()).isEqualTo("stopped");
        assertThat(worker.path("port").isNull()).isTrue();
        assertThat(worker.path("reason").asText()).startsWith("its manager (process) says stopped");
        JsonNode client = service(services, "ollama-client");
        assertThat(client.path("status").asText()).as("pm2 is not on this machine's PATH: the port decides")
                .isEqualTo("unknown");
        assertThat(client.path("manager_state").isNull()).isTrue();
        assertThat(client.path("manager_error").asText()).contains("pm2");
        assertThat(client.path("reason").asText()).startsWith("port 11434 is one it uses, not one it listens on");
    }

    private static JsonNode service(JsonNode services, String name) {
        for (JsonNode s : services) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no service " + name + " in " + services);
    }

    @Test
    void an_unknown_route_answers_404_in_the_error_envelope() throws Exception {
        start();
        assertError(get("/v1/nothing-here"), 404, "not_found");
        assertError(call("DELETE", "/v1/services", TestFleet.TOKEN, null), 404, "not_found");
    }

    @Test
    void an_unknown_service_answers_404_naming_the_services_this_machine_runs() throws Exception {
        start();
        Answer restart = call("POST", "/v1/services/nope/restart", TestFleet.TOKEN, null);
        assertError(restart, 404, "not_found");
        assertThat(restart.body().path("error").path("message").asText())
                .isEqualTo("no service named 'nope' on box; it runs web, worker, ollama-client");
        assertError(get("/v1/services/nope/logs?lines=5"), 404, "not_found");
    }

    /**
     * Starts the agent of box with the standard managers, the process manager keeping its state under a fresh HOME
     * (pm2 is not on this PATH); returns the manager of its "worker" as the agent sees it.
     */
    private ServiceManager startWithRealManagers() throws Exception {
        Path home = Files.createTempDirectory("hf-agent-home");
        LocalCommandRunner local = LocalCommandRunner.builder().environment("HOME", home.toString())
                .environment("PATH", "/usr/bin:/bin").build();
        AgentApi api = new AgentApi(TestFleet.box(1), "v", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()), Managers.standard(), local);
        server = new AgentServer(api, "127.0.0.1", 0, TestFleet.TOKEN).start();
        open.add(server);
        return ProcessServiceManager.of("worker", TestFleet.box(1).services().get("worker").manager(), local);
    }

    @Test
    void restart_and_logs_go_through_the_services_manager() throws Exception {
        ServiceManager worker = startWithRealManagers();
        try {
            Answer restart = call("POST", "/v1/services/worker/restart", TestFleet.TOKEN, null);
            assertThat(restart.status()).as(restart.body().toString()).isEqualTo(200);
            assertThat(worker.status().state()).isEqualTo(ServiceState.State.RUNNING);
            assertThat(get("/v1/services/worker/logs?lines=20").status()).isEqualTo(200);

            Answer pm2 = call("POST", "/v1/services/web/restart", TestFleet.TOKEN, null);
            assertError(pm2, 502, "manager_failed");
            assertThat(pm2.body().path("error").path("message").asText()).contains("pm2");
        } finally {
            worker.stop();
        }
        assertThat(worker.status().state()).isEqualTo(ServiceState.State.STOPPED);
    }

    @Test
    void stop_and_start_go_through_the_services_manager() throws Exception {
        ServiceManager worker = startWithRealManagers();
        try {
            Answer start = call("POST", "/v1/services/worker/start", TestFleet.TOKEN, null);
            assertThat(start.status()).as(start.body().toString()).isEqualTo(200);
            assertThat(worker.status().state()).isEqualTo(ServiceState.State.RUNNING);

            Answer stop = call("POST", "/v1/services/worker/stop", TestFleet.TOKEN, null);
            assertThat(stop.status()).as(stop.body().toString()).isEqualTo(200);
            assertThat(worker.status().state()).isEqualTo(ServiceState.State.STOPPED);
            assertError(call("POST", "/v1/services/nope/start", TestFleet.TOKEN, null), 404, "not_found");
        } finally {
            worker.stop();
        }
    }

    @ParameterizedTest
    @CsvSource({"abc", "0", "10001", "-5", "1e3"})
    void a_malformed_line_count_answers_400(String lines) throws Exception {
        start();
        Answer answer = get("/v1/services/web/logs?lines=" + lines);
        assertError(answer, 400, "bad_request");
        assertThat(answer.body().path("error").path("message").asText()).startsWith("lines must be");
    }

    @Test
    void a_70_kib_body_is_refused_with_413_in_the_envelope() throws Exception {
        start();
        Answer answer = call("POST", "/v1/services/web/restart", TestFleet.TOKEN, new byte[70 * 1024]);
        assertError(answer, 413, "payload_too_large");
        assertThat(answer.body().path("error").path("message").asText())
                .isEqualTo("request bodies are limited to 64 KiB");
    }

    @Test
    void a_70_kib_chunked_body_is_refused_with_413_in_the_envelope_too() throws Exception {
        start();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/services/web/restart"))
                .header("Authorization", "Bearer " + TestFleet.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[70 * 1024])))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void a_request_jetty_cannot_parse_answers_400_in_the_envelope() throws Exception {
        start();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertThat(JSON.readTree(body).path("error").path("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void an_agent_without_a_token_serves_loopback_openly_but_refuses_to_listen_beyond_it() throws Exception {
        start(1, null);
        assertThat(call("GET", "/v1/ports", null, null).status()).isEqualTo(200);
        AgentApi api = new AgentApi(TestFleet.box(1), "v", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()));
        assertThatThrownBy(() -> new AgentServer(api, "0.0.0.0", 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the agent would listen on 0.0.0.0, beyond loopback, without a token; set one or "
                        + "listen on 127.0.0.1");
    }

    @Test
    void a_server_for_a_machine_listens_on_its_agent_bind_and_port() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            free = probe.getLocalPort();
        }
        String yaml = TestFleet.yaml(1).replace("port: 8421", "port: " + free).replace("bind: lan", "bind: loopback");
        MachineSpec box = new FleetConfigLoader(Map.of()).parse(yaml, "fleet.yaml").config().machine("box")
                .orElseThrow();
        AgentApi api = new AgentApi(box, "v", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()));
        server = AgentServer.onMachineBind(api, TestFleet.TOKEN).start();
        open.add(server);
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + free);
        assertThat(get("/v1/health").status()).isEqualTo(200);

        MachineSpec lan = TestFleet.box(1);
        AgentApi onLan = new AgentApi(lan, "v", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()));
        assertThatThrownBy(() -> AgentServer.onMachineBind(onLan, null))
                .hasMessageContaining("the agent would listen on 192.0.2.10, beyond loopback, without a token");
    }

    @Test
    void the_url_names_the_real_port_when_asked_for_port_0() throws IOException {
        start();
        assertThat(server.port()).isPositive();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    }
}
