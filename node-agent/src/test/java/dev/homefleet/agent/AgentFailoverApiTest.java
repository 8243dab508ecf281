package dev.homefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.failover.FailoverFleet;
import dev.homefleet.agent.failover.Failovers;
import dev.homefleet.agent.http.AgentServer;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.control.ControlClient;
import dev.homefleet.core.control.ControlException;
import dev.homefleet.core.control.ControlServer;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/** The failover routes of the agent's HTTP API and the same actions on its control socket, with a real watchdog. */
class AgentFailoverApiTest {

    private static final SystemInfo OSHI = new SystemInfo();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String TOKEN = "failover-test-token";

    @TempDir
    Path dir;

    private HttpServer primary;
    private AgentApi api;
    private AgentServer server;
    private ControlServer control;
    private ControlClient socket;

    @BeforeEach
    void start() throws Exception {
        primary = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        primary.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        primary.start();
        FleetConfig fleet = FailoverFleet.parse(FailoverFleet.commandsOnly(dir, primary.getAddress().getPort(),
                "200ms", "150ms", null));
        api = api(fleet, fleet.machine("mini").orElseThrow());
        server = new AgentServer(api, "127.0.0.1", 0, TOKEN).start();
        Path socketDir = Files.createTempDirectory(Path.of("/tmp"), "hf-fo-");
        control = AgentControl.server(socketDir.resolve("agent.sock"), api);
        control.start();
        socket = new ControlClient(socketDir.resolve("agent.sock"));
    }

    private AgentApi api(FleetConfig fleet, MachineSpec machine) {
        LocalCommandRunner local = LocalCommandRunner.builder().build();
        Failovers failovers = Failovers.forMachine(fleet, machine).stateDirectory(dir.resolve("failover"))
                .managers(Managers.standard()).runner(local).controllerEndpoint(Optional.empty()).build().start();
        return new AgentApi(machine, "test", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()), Managers.standard(), local, failovers);
    }

    @AfterEach
    void stop() throws Exception {
        control.close();
        server.close();
        api.close();
        primary.stop(0);
        Files.deleteIfExists(control.socket());
        Files.deleteIfExists(control.socket().getParent());
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String method, String path) throws Exception {
        HttpResponse<String> response = call(method, path, TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void get_failover_lists_state_counters_last_check_and_transitions() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> ok("GET", "/v1/failover").get(0).path("successes")
                .asInt() >= 2);
        JsonNode gw = ok("GET", "/v1/failover").get(0);
        assertThat(gw.path("name").asText()).isEqualTo("gw");
        assertThat(gw.path("state").asText()).isEqualTo("standby");
        assertThat(gw.path("mode").asText()).isEqualTo("auto");
        assertThat(gw.path("primary").asText()).isEqualTo("book");
        assertThat(gw.path("standby").asText()).isEqualTo("mini");
        assertThat(gw.path("check").asText()).isEqualTo("http://127.0.0.1:" + primary.getAddress().getPort() + "/");
        assertThat(gw.path("interval").asText()).isEqualTo("200ms");
        assertThat(gw.path("fall").asInt()).isEqualTo(3);
        assertThat(gw.path("rise").asInt()).isEqualTo(5);
        assertThat(gw.path("failures").asInt()).isZero();
        assertThat(gw.path("last_check").path("ok").asBoolean()).isTrue();
        assertThat(gw.path("last_check").path("detail").asText()).startsWith("200 in ");
        assertThat(gw.path("transitions").isArray()).isTrue();
        assertThat(ok("GET", "/v1/failover/gw").path("name").asText()).isEqualTo("gw");
    }

    @Test
    void the_failover_routes_need_the_token() throws Exception {
        assertThat(call("GET", "/v1/failover", null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/v1/failover/gw/promote", "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void promote_demote_and_auto_answer_the_status_after_them() throws Exception {
        JsonNode promoted = ok("POST", "/v1/failover/gw/promote");
        assertThat(promoted.path("state").asText()).isEqualTo("active");
        assertThat(promoted.path("mode").asText()).isEqualTo("promoted");
        assertThat(promoted.path("last_actions").path("run").asText()).isEqualTo("takeover");
        assertThat(Files.readAllLines(dir.resolve("actions.log"))).containsExactly("takeover");
        JsonNode demoted = ok("POST", "/v1/failover/gw/demote");
        assertThat(demoted.path("state").asText()).isEqualTo("standby");
        assertThat(demoted.path("mode").asText()).isEqualTo("demoted");
        JsonNode auto = ok("POST", "/v1/failover/gw/auto");
        assertThat(auto.path("mode").asText()).isEqualTo("auto");
        assertThat(auto.path("transitions").get(auto.path("transitions").size() - 1).path("reason").asText())
                .isEqualTo("set back to auto by hand");
    }

    @Test
    void an_unknown_failover_or_command_is_refused_in_the_envelope() throws Exception {
        HttpResponse<String> unknown = call("GET", "/v1/failover/nope", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").path("message").asText())
                .isEqualTo("no failover named 'nope' has its standby on mini; it is the standby of gw");
        HttpResponse<String> command = call("POST", "/v1/failover/gw/explode", TOKEN);
        assertThat(command.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(command.body()).path("error").path("message").asText())
                .isEqualTo("'explode' is not a failover command; use promote, demote or auto");
    }

    @Test
    void the_control_socket_answers_the_same_actions() throws Exception {
        Duration wait = Duration.ofSeconds(30);
        assertThat(socket.request("failover", null, wait).get(0).path("name").asText()).isEqualTo("gw");
        assertThat(socket.request("failover", Map.of("name", "gw"), wait).path("name").asText()).isEqualTo("gw");
        assertThat(socket.request("failover.promote", Map.of("name", "gw"), wait).path("mode").asText())
                .isEqualTo("promoted");
        assertThat(socket.request("failover.demote", Map.of("name", "gw"), wait).path("state").asText())
                .isEqualTo("standby");
        assertThat(socket.request("failover.auto", Map.of("name", "gw"), wait).path("mode").asText())
                .isEqualTo("auto");
        assertThatThrownBy(() -> socket.request("failover.promote", null, wait))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo("bad_request"))
                .hasMessageContaining("name the failover");
        assertThatThrownBy(() -> socket.request("failover.promote", Map.of("name", "nope"), wait))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    }

    @Test
    void a_machine_that_is_no_standby_lists_none() throws Exception {
        FleetConfig fleet = FailoverFleet.parse(FailoverFleet.commandsOnly(dir, 1, "200ms", "150ms", null));
        try (AgentApi book = api(fleet, fleet.machine("book").orElseThrow())) {
            assertThat(book.failovers()).isEmpty();
            assertThatThrownBy(() -> book.failover("gw")).hasMessage(
                    "no failover named 'gw' has its standby on book; it is the standby of none in fleet.yaml");
        }
    }
}
