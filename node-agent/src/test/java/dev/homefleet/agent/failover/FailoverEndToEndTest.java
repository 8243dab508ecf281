package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover end to end with real processes on 127.0.0.1: a node HTTP primary, the node agent in a JVM of its own
 * running the watchdog at 200 ms (timeout 150 ms, fall 3, rise 5), the standby's gateway a node process its process
 * manager starts and stops, and a test server in the controller's place taking the agent's events. Observed the way
 * a person would: {@code GET /v1/failover/gw}, the actions' log, the standby gateway's port and env file, the
 * controller's events and the agent's alert lines.
 */
class FailoverEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<JsonNode> controllerEvents = new CopyOnWriteArrayList<>();
    private int primaryPort;
    private int standbyPort;
    private Path fleet;
    private FleetConfig config;

    @BeforeEach
    void startController() throws IOException {
        HttpServer controller = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        controller.createContext("/api/v1/failover/events", exchange -> {
            controllerEvents.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        controller.start();
        open.add(() -> controller.stop(0));
        primaryPort = NodePrimary.freePort();
        standbyPort = NodePrimary.freePort();
        writeFleet(controller.getAddress().getPort(), null);
    }

    private void writeFleet(int controllerPort, String takeoverCommand) throws IOException {
        String yaml = FailoverFleet.yaml(dir, primaryPort, standbyPort, controllerPort, "200ms", "150ms",
                takeoverCommand);
        config = FailoverFleet.parse(yaml);
        fleet = Files.writeString(dir.resolve("fleet.yaml"), yaml);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        var gateway = config.machine("mini").orElseThrow().services().get("gateway");
        ProcessServiceManager.of("gateway", gateway.manager(), LocalCommandRunner.builder()
                .environment("HOME", dir.resolve("home").toString()).build()).stop();
    }

    private NodePrimary primary() throws Exception {
        NodePrimary primary = NodePrimary.start(primaryPort);
        open.add(primary);
        return primary;
    }

    private AgentJvm agent() throws Exception {
        AgentJvm agent = AgentJvm.start(dir, fleet, "mini");
        open.add(agent);
        return agent;
    }

    private static JsonNode status(AgentJvm agent) throws Exception {
        return agent.get("/v1/failover/gw");
    }

    /** Waits until the watchdog is in {@code state} with no actions running, and returns that status. */
    private static JsonNode awaitState(AgentJvm agent, String state) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            seen[0] = status(agent);
            return seen[0].path("state").asText().equals(state) && seen[0].path("running").isNull();
        });
        return seen[0];
    }

    private static void awaitHealthyPrimary(AgentJvm agent) {
        await().atMost(WAIT).until(() -> {
            JsonNode s = status(agent);
            return s.path("state").asText().equals("standby") && s.path("successes").asInt() >= 2;
        });
    }

    private List<String> actions() throws IOException {
        Path log = dir.resolve("actions.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static JsonNode last(JsonNode transitions, int back) {
        return transitions.get(transitions.size() - back);
    }

    /** The failed checks that led to the transition: those started after the last success and before it. */
    private static long failuresBefore(JsonNode status, JsonNode transition) {
        Instant at = Instant.parse(transition.path("at").asText());
        List<JsonNode> before = list(status.path("checks")).stream()
                .filter(c -> Instant.parse(c.path("at").asText()).isBefore(at)).toList();
        long failed = 0;
        for (int i = before.size() - 1; i >= 0 && !before.get(i).path("ok").asBoolean(); i--) {
            failed++;
        }
        return failed;
    }

    private String standbyGateway() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standbyPort + "/"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "down";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private String gatewayEnv() throws IOException {
        return Files.readString(dir.resolve("home/.homefleet/run/gateway/env"));
    }

    @Test
    void a_killed_primary_is_taken_over_after_exactly_fall_failures_and_yielded_to_after_exactly_rise_successes()
            throws Exception {
        NodePrimary primary = primary();
        AgentJvm agent = agent();
        awaitHealthyPrimary(agent);

        primary.kill();
        JsonNode active = awaitState(agent, "active");
        JsonNode transitions = active.path("transitions");
        JsonNode takeover = last(transitions, 1);
        assertThat(last(transitions, 2).path("to").asText()).isEqualTo("suspect");
        assertThat(last(transitions, 2).path("failures").asInt()).isEqualTo(1);
        assertThat(takeover.path("from").asText()).isEqualTo("suspect");
        assertThat(takeover.path("to").asText()).isEqualTo("active");
        assertThat(takeover.path("failures").asInt()).isEqualTo(3);
        assertThat(takeover.path("reason").asText()).contains("connection refused");
        assertThat(failuresBefore(active, takeover)).isEqualTo(3);
        assertThat(actions()).containsExactly("takeover");
        assertThat(standbyGateway()).isEqualTo("standby");
        assertThat(gatewayEnv()).contains("GATEWAY_TELEGRAM=true");
        assertThat(active.path("last_actions").path("ok").asBoolean()).isTrue();

        primary = NodePrimary.start(primaryPort);
        open.add(primary);
        JsonNode standby = awaitState(agent, "standby");
        transitions = standby.path("transitions");
        JsonNode yield = last(transitions, 1);
        assertThat(last(transitions, 2).path("to").asText()).isEqualTo("recovering");
        assertThat(last(transitions, 2).path("successes").asInt()).isEqualTo(1);
        assertThat(yield.path("from").asText()).isEqualTo("recovering");
        assertThat(yield.path("successes").asInt()).isEqualTo(5);
        assertThat(actions()).containsExactly("takeover", "yield");
        assertThat(standbyGateway()).isEqualTo("down");
        assertThat(gatewayEnv()).contains("GATEWAY_TELEGRAM=false");

        await().atMost(WAIT).until(() -> controllerEvents.stream()
                .anyMatch(e -> e.path("from").asText().equals("recovering") && e.path("to").asText().equals("standby")));
        List<String> told = controllerEvents.stream()
                .map(e -> e.path("from").asText() + " -> " + e.path("to").asText()).toList();
        assertThat(told).containsSubsequence("standby -> suspect", "suspect -> active", "active -> recovering",
                "recovering -> standby");
        assertThat(told).filteredOn(t -> t.endsWith("-> active") && !t.startsWith("recovering")).hasSize(1);
        JsonNode takeoverEvent = controllerEvents.stream().filter(e -> e.path("to").asText().equals("active"))
                .findFirst().orElseThrow();
        assertThat(takeoverEvent.path("failover").asText()).isEqualTo("gw");
        assertThat(takeoverEvent.path("standby_machine").asText()).isEqualTo("mini");
        assertThat(takeoverEvent.path("failures").asInt()).isEqualTo(3);
        assertThat(agent.log()).contains("failover alert: failover gw: mini took over from book",
                "failover alert: failover gw: mini yielded to book");
    }

    @Test
    void a_frozen_primary_is_taken_over_on_timeouts() throws Exception {
        NodePrimary primary = primary();
        AgentJvm agent = agent();
        awaitHealthyPrimary(agent);

        primary.freeze();
        JsonNode active = awaitState(agent, "active");
        JsonNode takeover = last(active.path("transitions"), 1);
        assertThat(takeover.path("failures").asInt()).isEqualTo(3);
        assertThat(takeover.path("reason").asText()).contains("timed out after 150ms");
        assertThat(list(active.path("checks")).stream().filter(c -> !c.path("ok").asBoolean())
                .map(c -> c.path("detail").asText())).allMatch(d -> d.equals("timed out after 150ms"));
        assertThat(actions()).containsExactly("takeover");

        primary.thaw();
        awaitState(agent, "standby");
        assertThat(actions()).containsExactly("takeover", "yield");
    }

    @Test
    void an_agent_killed_while_active_comes_back_active_without_running_the_actions_again() throws Exception {
        NodePrimary primary = primary();
        AgentJvm agent = agent();
        awaitHealthyPrimary(agent);
        primary.kill();
        JsonNode before = awaitState(agent, "active");
        assertThat(actions()).containsExactly("takeover");

        agent.kill();
        AgentJvm again = agent();
        await().atMost(WAIT).until(() -> status(again).path("checks").size() >= 5);
        JsonNode after = status(again);
        assertThat(after.path("state").asText()).isEqualTo("active");
        assertThat(after.path("transitions")).isEqualTo(before.path("transitions"));
        assertThat(actions()).containsExactly("takeover");
        assertThat(standbyGateway()).isEqualTo("standby");
        assertThat(again.log()).contains("failover gw: resuming as active");

        open.add(NodePrimary.start(primaryPort));
        awaitState(again, "standby");
        assertThat(actions()).containsExactly("takeover", "yield");
    }

    @Test
    void a_failing_takeover_action_is_retried_alerted_and_recovers_once_it_works() throws Exception {
        Path attempts = dir.resolve("attempts.log");
        Path fixed = dir.resolve("fixed");
        writeFleet(config.controller().port(), "echo attempt >> '" + attempts + "'; test -e '" + fixed + "'");
        NodePrimary primary = primary();
        AgentJvm agent = agent();
        awaitHealthyPrimary(agent);

        primary.kill();
        await().atMost(WAIT).until(() -> Files.exists(attempts) && Files.readAllLines(attempts).size() >= 3);
        JsonNode failed = status(agent);
        assertThat(failed.path("state").asText()).isEqualTo("takeover-failed");
        assertThat(failed.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(failed.path("last_actions").path("ok").asBoolean()).isFalse();
        // The step is named by its program only: its arguments may hold expanded secrets.
        assertThat(failed.path("last_actions").path("detail").asText())
                .isEqualTo("step 3 of 3 (run sh (2 arguments)) failed: exit 1");
        assertThat(agent.log()).contains("failover alert: failover gw: mini could not take over from book; retrying "
                + "with backoff");
        await().atMost(WAIT).until(() -> controllerEvents.stream()
                .anyMatch(e -> e.path("to").asText().equals("takeover-failed")));

        Files.createFile(fixed);
        JsonNode active = awaitState(agent, "active");
        JsonNode recovered = last(active.path("transitions"), 1);
        assertThat(recovered.path("from").asText()).isEqualTo("takeover-failed");
        assertThat(active.path("attempts").asInt()).isZero();
        assertThat(agent.log()).contains("failover alert: failover gw: mini took over after retrying");
        assertThat(standbyGateway()).isEqualTo("standby");
    }
}
