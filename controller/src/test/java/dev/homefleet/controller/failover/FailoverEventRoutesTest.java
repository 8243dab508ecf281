package dev.homefleet.controller.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.failover.ControllerEvents;
import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.agent.failover.FailoverMode;
import dev.homefleet.agent.failover.FailoverState;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.AlertsSpec.Severity;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The controller's end of failover events, fed by the agent's own sender over HTTP on 127.0.0.1. */
class FailoverEventRoutesTest {

    private static final Instant AT = Instant.parse("2025-01-31T12:00:00Z");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Store store;
    private FailoverEventRoutes routes;
    private Javalin app;

    @BeforeEach
    void start() {
        store = Store.open(dir.resolve("homefleet.db"));
        routes = new FailoverEventRoutes(new EventBus(store::append), () -> Set.of("gateway"));
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            routes.register(config);
        }).start();
    }

    @AfterEach
    void stop() {
        app.stop();
        store.close();
    }

    private static FailoverEvent event(FailoverState from, FailoverState to, Instant at, String problem) {
        return new FailoverEvent("gateway", "macbook", "clawdbot-gateway", "macmini", "clawdbot-gateway", from, to,
                FailoverMode.AUTO, at, "3 failed checks in a row (fall 3) (connection refused)", 3, 0,
                "http://felipes-macbook-pro.local:18789/", "failover gateway: macmini took over from macbook (...)",
                problem);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + FailoverEventRoutes.PATH))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void an_event_from_the_agents_sender_is_recorded_as_a_failover_event_and_kept_as_the_latest() {
        try (ControllerEvents sender = new ControllerEvents(URI.create("http://127.0.0.1:" + app.port()
                + ControllerEvents.PATH), null)) {
            sender.send(event(FailoverState.STANDBY, FailoverState.SUSPECT, AT, null));
            sender.send(event(FailoverState.SUSPECT, FailoverState.ACTIVE, AT.plusSeconds(60), null));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.events(AT.minusSeconds(1), null, 10).size() == 2);
        }
        List<FleetEvent> stored = store.events(AT.minusSeconds(1), null, 10);
        FleetEvent takeover = stored.stream().filter(e -> e.type() == EventType.FAILOVER_TAKEOVER).findFirst()
                .orElseThrow();
        assertThat(takeover.ts()).isEqualTo(AT.plusSeconds(60));
        assertThat(takeover.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(takeover.machine()).isEqualTo("macmini");
        assertThat(takeover.service()).isEqualTo("clawdbot-gateway");
        assertThat(takeover.subject()).isEqualTo("gateway");
        assertThat(takeover.message()).isEqualTo("failover gateway: macmini took over from macbook (...)");
        assertThat(takeover.data()).containsEntry("from", "suspect").containsEntry("to", "active")
                .containsEntry("primary", "macbook/clawdbot-gateway");
        assertThat(routes.snapshot()).containsOnlyKeys("gateway");
        assertThat(routes.snapshot().get("gateway").to()).isEqualTo(FailoverState.ACTIVE);
    }

    @Test
    void an_older_event_arriving_late_does_not_replace_the_latest() throws Exception {
        ObjectMapper agentJson = dev.homefleet.agent.api.AgentJson.mapper();
        assertThat(post(agentJson.writeValueAsString(event(FailoverState.SUSPECT, FailoverState.ACTIVE,
                AT.plusSeconds(60), null))).statusCode()).isEqualTo(200);
        HttpResponse<String> late = post(agentJson.writeValueAsString(event(FailoverState.STANDBY,
                FailoverState.SUSPECT, AT, null)));
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(json.readTree(late.body()).path("ok").asBoolean()).isTrue();
        assertThat(routes.snapshot().get("gateway").to()).isEqualTo(FailoverState.ACTIVE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                  | {"failover":                                                  | 400 | bad_request | the body is not a failover event
            an array                  | []                                                            | 400 | bad_request | the body is not a failover event
            no states                 | {"failover":"gateway","at":"2025-01-31T12:00:00Z"}            | 400 | bad_request | a failover event needs failover, from, to and at
            an unknown state          | {"failover":"gateway","from":"standby","to":"sleepy","at":"2025-01-31T12:00:00Z"} | 400 | bad_request | the body is not a failover event
            an undeclared failover    | {"failover":"printer","from":"standby","to":"active","at":"2025-01-31T12:00:00Z"} | 404 | not_found | this controller's fleet.yaml declares no failover 'printer'; give the standby the same fleet.yaml as the controller
            """)
    void a_body_that_is_not_a_declared_failovers_event_is_refused(String what, String body, int status, String code,
            String message) throws Exception {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = json.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).startsWith(message);
        assertThat(store.events(Instant.EPOCH, null, 10)).isEmpty();
        assertThat(routes.snapshot()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "standby, suspect, failover.suspect, WARNING",
            "suspect, standby, failover.suspect, INFO",
            "suspect, active, failover.takeover, CRITICAL",
            "yield-failed, active, failover.takeover, CRITICAL",
            "takeover-failed, active, failover.takeover, CRITICAL",
            "active, recovering, failover.recovering, INFO",
            "recovering, active, failover.recovering, WARNING",
            "recovering, standby, failover.yield, INFO",
            "takeover-failed, standby, failover.yield, INFO",
            "yield-failed, standby, failover.yield, INFO",
            "yield-failed, suspect, failover.yield, INFO",
            "active, takeover-failed, failover.failed, CRITICAL",
            "recovering, yield-failed, failover.failed, CRITICAL",
            "standby, standby, failover.yield, INFO",
            "active, active, failover.takeover, INFO"})
    void each_transition_has_its_event_type(String from, String to, String type, Severity severity) {
        FleetEvent event = FailoverEventRoutes.toFleetEvent(event(FailoverState.fromWire(from),
                FailoverState.fromWire(to), AT, null));
        assertThat(event.type().wire()).isEqualTo(type);
        assertThat(event.severity()).isEqualTo(severity);
    }

    @Test
    void a_watchdog_problem_is_a_failed_event_with_a_warning() {
        FleetEvent event = FailoverEventRoutes.toFleetEvent(event(FailoverState.STANDBY, FailoverState.STANDBY, AT,
                "the saved state ... is unreadable"));
        assertThat(event.type()).isEqualTo(EventType.FAILOVER_FAILED);
        assertThat(event.severity()).isEqualTo(Severity.WARNING);
        assertThat(event.data()).containsEntry("problem", "the saved state ... is unreadable");
    }
}
