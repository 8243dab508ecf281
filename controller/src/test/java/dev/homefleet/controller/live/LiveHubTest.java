package dev.homefleet.controller.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.agent.failover.FailoverMode;
import dev.homefleet.agent.failover.FailoverState;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.ConfigStatus;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.config.FleetJson;
import dev.homefleet.core.metrics.MachineMetrics;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub behind a real Javalin server on 127.0.0.1, with real WebSocket clients. */
class LiveHubTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ZERO)
            .pingInterval(Duration.ZERO).build();
    private static final ObjectMapper JSON = FleetJson.json();
    private static final Function<FleetState, JsonNode> DOCUMENT = JSON::valueToTree;
    private static final LiveHub.Settings FAST = LiveHub.Settings.defaults().withQueueCapacity(100)
            .withLinger(Duration.ofMillis(1)).withCoalesce(Duration.ofMillis(50)).withLogPoll(Duration.ofMillis(50));

    @TempDir
    Path logs;

    private final EventBus bus = new EventBus();
    private final StateHolder state = new StateHolder(fleet());
    private final List<AutoCloseable> closing = new ArrayList<>();
    private LiveHub hub;
    private Javalin app;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (app != null) {
            app.stop();
        }
    }

    @AfterAll
    static void releaseThreads() {
        HTTP.dispatcher().executorService().shutdown();
        HTTP.connectionPool().evictAll();
    }

    // ---- the fleet and the server ----

    private static ServiceStatus service(String machine, String name, Health health) {
        return new ServiceStatus(machine, name, health, AT, AT, health == Health.UP ? "200 in 12 ms" : "connection refused",
                12L, health == Health.UP ? 0 : 3, health == Health.UP ? 5 : 0, 0, null);
    }

    private static FleetState fleet() {
        FleetState empty = FleetState.empty(new ConfigStatus("/home/felipe/fleet.yaml", AT, true, null));
        return empty.withMachine(new MachineStatus("macbook", Health.UP, AT, "local", AT, null, null, null)
                        .withService(service("macbook", "gateway", Health.UP))
                        .withService(service("macbook", "ollama", Health.UP)))
                .withMachine(new MachineStatus("macmini", Health.UP, AT, "agent", AT, null, null, null)
                        .withService(service("macmini", "aphos-server-prod", Health.UP)));
    }

    private void start(LiveHub.Settings settings) {
        hub = new LiveHub(state, bus, DOCUMENT, this::tail, settings);
        app = Javalin.create(config -> {
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            hub.register(config);
        }).start();
    }

    /** The log source: a file per service in the temp dir, read as an agent would read it. */
    private List<String> tail(String machine, String service, int lines) throws IOException {
        Path file = logs.resolve(machine + "-" + service + ".log");
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no log file");
        }
        List<String> all = Files.readAllLines(file);
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    private void writeLog(String machine, String service, List<String> lines, StandardOpenOption... options)
            throws IOException {
        Files.write(logs.resolve(machine + "-" + service + ".log"),
                (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), options);
    }

    /** The current document as a client reads it (numbers come back as the smallest type that holds them). */
    private JsonNode document() {
        try {
            return JSON.readTree(JSON.writeValueAsString(DOCUMENT.apply(state.get())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private WsClient connect() {
        WsClient client = new WsClient(HTTP, "ws://127.0.0.1:" + app.port() + LiveHub.PATH);
        closing.add(client);
        return client;
    }

    /** A client that has read its snapshot and subscribed. */
    private WsClient subscribed(String... topics) {
        WsClient client = connect();
        assertThat(client.next().path("type").asText()).isEqualTo("snapshot");
        client.subscribe(topics);
        return client;
    }

    private static FleetEvent serviceDown(String message) {
        return FleetEvent.of(EventType.SERVICE_DOWN).at(AT).service("macbook", "gateway").message(message)
                .data("detail", "connection refused").build();
    }

    private void setHealth(String machine, String name, Health health) {
        state.update(s -> s.withMachine(s.machines().get(machine).withService(service(machine, name, health))));
    }

    // ---- snapshot, subscriptions and events ----

    @Test
    void a_new_client_first_gets_the_whole_fleet_document() {
        start(FAST);
        WsClient client = connect();

        JsonNode first = client.next();

        assertThat(first.path("type").asText()).isEqualTo("snapshot");
        assertThat(first.path("ts").asLong()).isPositive();
        assertThat(first.path("data")).isEqualTo(document());
    }

    @Test
    void subscribing_answers_with_the_topics_the_client_now_has() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        JsonNode answer = client.subscribe("events", "state");

        assertThat(answer.path("data").path("topics")).containsExactly(JSON.valueToTree("events"),
                JSON.valueToTree("state"));
    }

    @Test
    void an_event_on_the_bus_arrives_with_its_wire_type_and_its_json() {
        start(FAST);
        WsClient client = subscribed("events");

        bus.publish(serviceDown("gateway is down: connection refused").withId(42));

        JsonNode message = client.next("service.down");
        assertThat(message.path("ts").asLong()).isEqualTo(AT.toEpochMilli());
        JsonNode data = message.path("data");
        assertThat(data.path("id").asLong()).isEqualTo(42);
        assertThat(data.path("type").asText()).isEqualTo("service.down");
        assertThat(data.path("ts").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(data.path("machine").asText()).isEqualTo("macbook");
        assertThat(data.path("service").asText()).isEqualTo("gateway");
        assertThat(data.path("severity").asText()).isEqualTo("critical");
        assertThat(data.path("message").asText()).isEqualTo("gateway is down: connection refused");
        assertThat(data.path("data").path("detail").asText()).isEqualTo("connection refused");
    }

    @Test
    void the_failover_topic_gets_only_failover_events() {
        start(FAST);
        WsClient client = subscribed("failover");

        bus.publish(serviceDown("gateway is down"));
        bus.publish(FleetEvent.of(EventType.FAILOVER_TAKEOVER).subject("gateway").message("macmini took over").build());

        assertThat(client.drain()).extracting(m -> m.path("type").asText()).containsExactly("failover.takeover");
    }

    @Test
    void a_client_without_topics_gets_nothing_but_its_snapshot() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        bus.publish(serviceDown("gateway is down"));
        setHealth("macbook", "gateway", Health.DOWN);

        assertThat(client.drain()).isEmpty();
    }

    @Test
    void after_unsubscribing_events_stop_coming() {
        start(FAST);
        WsClient client = subscribed("events", "state");

        JsonNode answer = client.unsubscribe("events");
        bus.publish(serviceDown("gateway is down"));

        assertThat(answer.path("data").path("topics")).containsExactly(JSON.valueToTree("state"));
        assertThat(client.drain()).isEmpty();
    }

    // ---- state deltas ----

    @Test
    void a_state_change_arrives_as_a_delta_that_merged_gives_the_new_document() {
        start(FAST);
        WsClient client = connect();
        JsonNode view = client.next("snapshot").path("data");
        client.subscribe("state");

        setHealth("macbook", "gateway", Health.DOWN);

        JsonNode delta = client.next("delta").path("data");
        assertThat(delta.path("machines").size()).as("only the changed machine").isEqualTo(1);
        assertThat(delta.path("machines").path("macbook").path("services").path("gateway").path("health").asText())
                .isEqualTo("down");
        assertThat(delta.has("jobs")).isFalse();
        assertThat(DocumentDiff.merge(view, delta)).isEqualTo(document());
    }

    @Test
    void a_removed_machine_is_sent_as_null_and_merging_deletes_it() {
        start(FAST);
        WsClient client = connect();
        JsonNode view = client.next("snapshot").path("data");
        client.subscribe("state");

        state.update(s -> s.withMachines(machines -> {
            machines.remove("macmini");
            return machines;
        }));

        JsonNode delta = client.next("delta").path("data");
        assertThat(delta.path("machines").get("macmini").isNull()).isTrue();
        assertThat(DocumentDiff.merge(view, delta)).isEqualTo(document());
    }

    @Test
    void quick_changes_are_coalesced_into_few_deltas_and_the_latest_wins() {
        start(FAST.withCoalesce(Duration.ofMillis(500)));
        WsClient client = connect();
        JsonNode view = client.next("snapshot").path("data");
        client.subscribe("state");

        for (int i = 0; i < 50; i++) {
            setHealth("macbook", "gateway", i % 2 == 0 ? Health.DOWN : Health.UP);
            setHealth("macmini", "aphos-server-prod", i % 2 == 0 ? Health.UP : Health.DEGRADED);
        }
        JsonNode expected = document();

        List<JsonNode> deltas = new ArrayList<>();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            deltas.add(client.next("delta").path("data"));
            JsonNode merged = view;
            for (JsonNode delta : deltas) {
                merged = DocumentDiff.merge(merged, delta);
            }
            return merged.equals(expected);
        });
        assertThat(deltas).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void a_client_that_subscribes_to_state_late_gets_a_fresh_snapshot_first() {
        start(FAST);
        WsClient watcher = subscribed("state");
        WsClient late = connect();
        late.next("snapshot");
        setHealth("macbook", "gateway", Health.DOWN);
        watcher.next("delta");

        late.subscribe("state");

        assertThat(late.next("snapshot").path("data")).isEqualTo(document());
    }

    @Test
    void the_metrics_topic_sends_a_machines_new_metrics() {
        start(FAST);
        WsClient client = subscribed("metrics");
        MachineMetrics metrics = new MachineMetrics(AT, 37.5, 1.2, 8L << 30, 16L << 30, 0, 2L << 30,
                List.of(new MachineMetrics.DiskUsage("/", 100L << 30, 500L << 30)), 412, 86_400);

        state.update(s -> {
            MachineStatus m = s.machines().get("macmini");
            return s.withMachine(new MachineStatus(m.name(), m.health(), m.since(), m.via(), AT, metrics, null,
                    m.services()));
        });

        JsonNode data = client.next("metrics").path("data");
        assertThat(data.path("machine").asText()).isEqualTo("macmini");
        assertThat(data.path("metrics").path("cpu_percent").asDouble()).isEqualTo(37.5);
        assertThat(data.path("metrics").path("disks").get(0).path("mount").asText()).isEqualTo("/");
    }

    @Test
    void failover_news_reaches_state_subscribers_in_the_failover_part_of_the_delta() {
        start(FAST);
        WsClient client = connect();
        JsonNode view = client.next("snapshot").path("data");
        client.subscribe("state");

        state.update(s -> s.withFailover(Map.of("gateway", new FailoverEvent("gateway", "macbook", "gateway",
                "macmini", "gateway", FailoverState.SUSPECT, FailoverState.ACTIVE, FailoverMode.AUTO, AT,
                "3 failed checks", 3, 0, "http://macbook:18789/health", "macmini took over", null))));

        JsonNode delta = client.next("delta").path("data");
        assertThat(delta.path("failover").path("gateway").path("to").asText()).isEqualTo("active");
        assertThat(DocumentDiff.merge(view, delta)).isEqualTo(document());
    }

    // ---- log tails ----

    @Test
    void a_log_subscriber_gets_the_last_lines_then_only_new_ones_even_after_the_log_rotates() throws IOException {
        writeLog("macbook", "gateway", IntStream.rangeClosed(1, 60).mapToObj(i -> "line " + i).toList());
        start(FAST);
        WsClient client = subscribed("logs:macbook/gateway");

        JsonNode first = client.next("log").path("data");
        assertThat(first.path("target").asText()).isEqualTo("macbook/gateway");
        assertThat(lines(first)).containsExactlyElementsOf(
                IntStream.rangeClosed(11, 60).mapToObj(i -> "line " + i).toList());

        writeLog("macbook", "gateway", List.of("line 61", "line 62"), StandardOpenOption.APPEND);
        assertThat(lines(client.next("log").path("data"))).containsExactly("line 61", "line 62");

        writeLog("macbook", "gateway", List.of("after rotation"), StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(lines(client.next("log").path("data"))).containsExactly("after rotation");
    }

    private static List<String> lines(JsonNode data) {
        List<String> lines = new ArrayList<>();
        data.path("lines").forEach(l -> lines.add(l.asText()));
        return lines;
    }

    @Test
    void two_readers_of_one_log_share_one_poller_that_stops_when_both_are_gone() throws IOException {
        writeLog("macbook", "gateway", List.of("started"));
        start(FAST);
        WsClient first = subscribed("logs:macbook/gateway");
        WsClient second = subscribed("logs:macbook/gateway", "logs:macbook/ollama");
        first.next("log");

        assertThat(hub.tails()).isEqualTo(2);
        second.unsubscribe("logs:macbook/ollama");
        assertThat(hub.tails()).isEqualTo(1);
        first.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.clients() == 1);
        assertThat(hub.tails()).isEqualTo(1);
        second.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.tails() == 0 && hub.clients() == 0);
    }

    @Test
    void an_unreadable_log_is_reported_once_to_its_reader() {
        start(FAST);
        WsClient client = subscribed("logs:macmini/aphos-server-prod");

        JsonNode error = client.next("error").path("data");

        assertThat(error.path("code").asText()).isEqualTo("logs_unavailable");
        assertThat(error.path("target").asText()).isEqualTo("macmini/aphos-server-prod");
        assertThat(error.path("message").asText()).startsWith("cannot read the log of macmini/aphos-server-prod: ");
        assertThat(client.drain()).isEmpty();
    }

    // ---- keepalive and bad messages ----

    @Test
    void a_json_ping_is_answered_with_a_pong() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        client.send("{\"type\":\"ping\"}");

        assertThat(client.next().path("type").asText()).isEqualTo("pong");
    }

    @Test
    void the_server_sends_websocket_ping_frames() throws IOException {
        start(FAST.withPing(Duration.ofMillis(100)));
        try (RawWsClient raw = new RawWsClient(app.port(), 64 * 1024)) {
            assertThat(raw.readFrame().text()).contains("\"type\":\"snapshot\"");

            assertThat(raw.readFrame().opcode()).isEqualTo(RawWsClient.PING);
        }
    }

    @Test
    void messages_are_not_compressed_even_when_the_client_offers_to() throws IOException {
        start(FAST);
        try (RawWsClient raw = new RawWsClient(app.port(), 64 * 1024,
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(raw.head.toLowerCase(java.util.Locale.ROOT)).doesNotContain("sec-websocket-extensions");
            assertThat(raw.readFrame().text()).startsWith("{\"type\":\"snapshot\"");
        }
    }

    @Test
    void a_message_that_is_not_json_is_answered_with_an_error_and_the_connection_stays() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        client.send("subscribe to everything please");

        JsonNode error = client.next().path("data");
        assertThat(error.path("code").asText()).isEqualTo("bad_request");
        assertThat(error.path("message").asText()).contains("not JSON");
        assertThat(client.subscribe("events").path("data").path("topics")).hasSize(1);
    }

    @Test
    void an_unknown_message_type_is_answered_with_an_error() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        client.send("{\"type\":\"restart\",\"service\":\"gateway\"}");

        assertThat(client.next("error").path("data").path("message").asText())
                .isEqualTo("unknown message type 'restart'; send subscribe, unsubscribe or ping");
    }

    @Test
    void an_unknown_topic_is_refused_and_the_good_ones_beside_it_are_subscribed() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        client.send("{\"type\":\"subscribe\",\"topics\":[\"events\",\"weather\",\"logs:macbook/nope\",\"logs:x\"]}");

        JsonNode error = client.next().path("data");
        assertThat(error.path("code").asText()).isEqualTo("bad_request");
        assertThat(error.path("message").asText()).isEqualTo("unknown topic 'weather'; the topics are state, events, "
                + "failover, metrics and logs:MACHINE/SERVICE; no service macbook/nope in the fleet to tail; "
                + "'logs:x' names no service; write logs:MACHINE/SERVICE");
        assertThat(client.next().path("data").path("topics")).containsExactly(JSON.valueToTree("events"));
        assertThat(hub.tails()).isZero();
    }

    // ---- slow clients ----

    @Test
    void a_client_that_stops_reading_is_dropped_and_the_others_get_every_message() throws IOException {
        start(FAST);
        WsClient healthy = subscribed("events");
        RawWsClient stuck = new RawWsClient(app.port(), 4 * 1024);
        closing.add(stuck);
        stuck.sendText("{\"type\":\"subscribe\",\"topics\":[\"events\"]}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.clients() == 2);
        String big = "x".repeat(32 * 1024);

        int published = 0;
        // Batches well under the queue size: the healthy client keeps up, the stuck one fills its TCP buffers, then
        // its queue.
        while (hub.clients() == 2 && published < 20_000) {
            for (int i = 0; i < 20; i++) {
                bus.publish(FleetEvent.of(EventType.SERVICE_DOWN).service("macbook", "gateway").message("gateway is down")
                        .data("output", big).build().withId(++published));
            }
            int expected = published;
            await().atMost(10, TimeUnit.SECONDS).until(() -> count(healthy, "service.down") == expected);
        }

        assertThat(hub.clients()).isEqualTo(1);
        List<Long> ids = healthy.received().stream().filter(m -> m.path("type").asText().equals("service.down"))
                .map(m -> m.path("data").path("id").asLong()).toList();
        assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, published).mapToObj(i -> (long) i).toList());
        RawWsClient.Frame close = stuck.readUntilClose();
        assertThat(close).as("a close frame once the stuck client reads again").isNotNull();
        assertThat(close.status()).isEqualTo(1008);
        assertThat(close.reason()).isEqualTo("too slow");
    }

    private static long count(WsClient client, String type) {
        return client.received().stream().filter(m -> m.path("type").asText().equals(type)).count();
    }

    @Test
    void closing_the_hub_says_goodbye_to_its_clients() {
        start(FAST);
        WsClient client = connect();
        client.next("snapshot");

        hub.close();

        await().atMost(5, TimeUnit.SECONDS).until(() -> client.closeCode != null);
        assertThat(client.closeCode).isEqualTo(1001);
        assertThat(client.closeReason).isEqualTo("the controller is stopping");
    }
}
