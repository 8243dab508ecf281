package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.metrics.MachineMetrics;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read half of /api/v1 over a real SQLite store and a real server on 127.0.0.1. */
class FleetApiTest {
    private static final String FLEET = """
            version: 1
            controller: {machine: laptop}
            machines:
              laptop:
                os: linux
                reach: {via: local}
                services:
                  gateway:
                    manager: {type: process, command: [sleep, "60"]}
                    port: 18789
                    project: openclaw
                    check: {http: "http://127.0.0.1:18789/health"}
                  ollama:
                    manager: {type: process, command: [sleep, "60"]}
                    port: 11434
                    check: {tcp: "127.0.0.1:11434"}
              mini:
                os: macos
                reach: {via: none}
                services:
                  clawd:
                    manager: {type: process, command: [sleep, "60"]}
                    port: 3000
            ports:
              reserved:
                openclaw: {range: "18789-18799", description: gateway and friends}
            alerts:
              telegram:
                bot_token: ${HOMEFLEET_TELEGRAM_BOT_TOKEN}
                chat_ids: [42]
            """;

    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    /** Keeps no idle connection, which would hold each server's stop for a second. */
    private final OkHttpClient http = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private Store store;
    private StateHolder state;
    private ControllerWeb web;

    @BeforeEach
    void start() throws Exception {
        LoadResult loaded = new FleetConfigLoader(Map.of("HOMEFLEET_TELEGRAM_BOT_TOKEN", "123:secret-value"))
                .parse(FLEET, "fleet.yaml");
        assertThat(loaded.errors()).isEmpty();
        FleetConfig config = loaded.config();
        store = Store.open(dir.resolve("homefleet.db"));
        state = new StateHolder(FleetState.empty(new FleetState.ConfigStatus("fleet.yaml", now, true, List.of())));
        MachineMetrics metrics = new MachineMetrics(now, 12.5, 0.7, 4L << 30, 16L << 30, 0, 1L << 30,
                List.of(new MachineMetrics.DiskUsage("/", 100L << 30, 500L << 30)), 321, 3600);
        state.update(s -> s.withMachine(new FleetState.MachineStatus("laptop", Health.UP, now, "local", now, metrics,
                null, Map.of()).withService(service("gateway", Health.DOWN, "connection refused"))
                .withService(service("ollama", Health.UP, "open in 1 ms"))));
        store.sample("laptop", now.minusSeconds(3600), metrics);
        store.sample("laptop", now.minus(2, ChronoUnit.DAYS), metrics);
        web = new ControllerWeb("127.0.0.1", 0, new Tokens(null, null),
                List.of(new FleetApi(state::get, () -> config, store, Clock.systemUTC())::register)).start();
    }

    private FleetState.ServiceStatus service(String name, Health health, String detail) {
        return new FleetState.ServiceStatus("laptop", name, health, now, now, detail, 3L, health == Health.UP ? 0 : 3,
                health == Health.UP ? 4 : 0, health == Health.UP ? 0 : 1, null);
    }

    @AfterEach
    void stop() {
        web.close();
        store.close();
    }

    private record Answer(int statusCode, String body) {}

    private Answer get(String path) throws Exception {
        try (Response response = http.newCall(new Request.Builder().url(web.url() + path).build()).execute()) {
            return new Answer(response.code(), response.body().string());
        }
    }

    private JsonNode ok(String path) throws Exception {
        Answer response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private void refused(String path, int status, String code, String mentions) throws Exception {
        Answer response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(status);
        JsonNode error = json.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).contains(mentions);
    }

    @Test
    void theFleetDocumentJoinsStateWithFleetYamlAndSaysWhatIsWrong() throws Exception {
        JsonNode fleet = ok("/api/v1/fleet");
        JsonNode summary = fleet.path("summary");
        assertThat(summary.path("overall").asText()).isEqualTo("down");
        assertThat(summary.path("services_up").asInt()).isEqualTo(1);
        assertThat(summary.path("services").asInt()).isEqualTo(2);
        assertThat(summary.path("incidents")).hasSize(1);
        assertThat(summary.path("incidents").get(0).path("target").asText()).isEqualTo("laptop/gateway");
        assertThat(summary.path("incidents").get(0).path("detail").asText()).isEqualTo("connection refused");

        List<String> machines = new ArrayList<>();
        fleet.path("machines").fieldNames().forEachRemaining(machines::add);
        assertThat(machines).containsExactly("laptop", "mini");
        JsonNode gateway = fleet.path("machines").path("laptop").path("services").path("gateway");
        assertThat(gateway.path("health").asText()).isEqualTo("down");
        assertThat(gateway.path("port").asInt()).isEqualTo(18789);
        assertThat(gateway.path("manager").asText()).isEqualTo("process");
        assertThat(gateway.path("check").asText()).isEqualTo("http http://127.0.0.1:18789/health");
        assertThat(gateway.path("restarts").asInt()).isEqualTo(1);
        assertThat(fleet.path("machines").path("laptop").path("metrics").path("cpu_percent").asDouble())
                .isEqualTo(12.5);
        JsonNode mini = fleet.path("machines").path("mini");
        assertThat(mini.path("health").asText()).isEqualTo("unknown");
        assertThat(mini.path("services").path("clawd").path("health").asText()).isEqualTo("unknown");
    }

    @Test
    void theDocumentIsGzippedForBrowsersAndUnchangedOnesAnswer304() throws Exception {
        Request gzip = new Request.Builder().url(web.url() + "/api/v1/fleet").header("Accept-Encoding", "gzip").build();
        String etag;
        try (Response response = http.newCall(gzip).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
            byte[] body = response.body().bytes();
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                assertThat(json.readTree(in).path("summary").path("overall").asText()).isEqualTo("down");
            }
            etag = response.header("ETag");
        }
        // OkHttp would ask for gzip by itself.
        Request plain = new Request.Builder().url(web.url() + "/api/v1/fleet").header("Accept-Encoding", "identity")
                .build();
        String plainEtag;
        try (Response response = http.newCall(plain).execute()) {
            plainEtag = response.header("ETag");
        }
        assertThat(plainEtag).as("each encoding has its own strong ETag").isNotEqualTo(etag);
        Request againGzip = gzip.newBuilder().header("If-None-Match", etag).build();
        try (Response response = http.newCall(againGzip).execute()) {
            assertThat(response.code()).isEqualTo(304);
        }
        Request again = plain.newBuilder().header("If-None-Match", plainEtag).build();
        try (Response response = http.newCall(again).execute()) {
            assertThat(response.code()).isEqualTo(304);
        }
        state.update(s -> s.withMachine(s.machines().get("laptop").withService(service("gateway", Health.UP, "200"))));
        try (Response response = http.newCall(again).execute()) {
            assertThat(response.code()).as("a changed fleet is sent again").isEqualTo(200);
            assertThat(response.header("ETag")).isNotEqualTo(plainEtag);
            assertThat(json.readTree(response.body().string()).path("summary").path("overall").asText())
                    .isEqualTo("ok");
        }
    }

    @Test
    void theSummaryIsOkWhenEverythingKnownIsUp() throws Exception {
        state.update(s -> s.withMachine(s.machines().get("laptop").withService(service("gateway", Health.UP, "200"))));
        JsonNode summary = ok("/api/v1/fleet").path("summary");
        assertThat(summary.path("overall").asText()).isEqualTo("ok");
        assertThat(summary.path("incidents")).isEmpty();
    }

    @Test
    void aHeartbeatEveryTenSecondsComesBackAsFiveMinuteMeansNotThousandsOfPoints() throws Exception {
        // 100 minutes of samples 10 s apart, the CPU at 10 % and 30 % in turn, no swap at all
        Instant start = now.minus(Duration.ofMinutes(100));
        for (int i = 0; i < 600; i++) {
            store.sample("mini", start.plusSeconds(10L * i), new MachineMetrics(now, i % 2 == 0 ? 10 : 30, 0.5,
                    8L << 30, 16L << 30, 0, 0, List.of(new MachineMetrics.DiskUsage("/", 50L << 30, 100L << 30)), 1,
                    60));
        }

        JsonNode samples = ok("/api/v1/machines/mini").path("samples");

        assertThat(samples.size()).as("5-minute spans in 100 minutes").isBetween(20, 21);
        List<Instant> times = new java.util.ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            JsonNode point = samples.get(i);
            times.add(Instant.parse(point.path("at").asText()));
            boolean whole = i > 0 && i < samples.size() - 1; // the first and last spans may hold a sample or two
            assertThat(point.path("cpu_percent").asDouble()).as("the mean of 10 and 30 in turn")
                    .isBetween(whole ? 19.0 : 10.0, whole ? 21.0 : 30.0);
            assertThat(point.path("memory_percent").asDouble()).isEqualTo(50.0);
            assertThat(point.path("disk_percent").asDouble()).isEqualTo(50.0);
            assertThat(point.path("swap_percent").asDouble()).as("unknown stays unknown").isEqualTo(-1.0);
        }
        assertThat(times).isSorted();
        assertThat(times.get(times.size() - 1)).isEqualTo(start.plusSeconds(10L * 599));
    }

    @Test
    void aMachineComesWithADayOfSamplesForItsSparklines() throws Exception {
        JsonNode laptop = ok("/api/v1/machines/laptop");
        assertThat(laptop.path("name").asText()).isEqualTo("laptop");
        assertThat(laptop.path("samples")).hasSize(1);
        assertThat(laptop.path("samples").get(0).path("memory_percent").asDouble()).isEqualTo(25.0);
        assertThat(laptop.path("samples").get(0).path("disk_percent").asDouble()).isEqualTo(20.0);
        assertThat(ok("/api/v1/machines").path("machines").has("mini")).isTrue();
    }

    @Test
    void servicesAreListedAndFoundByMachineAndName() throws Exception {
        assertThat(ok("/api/v1/services").path("services")).hasSize(3);
        assertThat(ok("/api/v1/services/laptop/ollama").path("health").asText()).isEqualTo("up");
        refused("/api/v1/services/laptop/nope", 404, "not_found", "gateway, ollama");
        refused("/api/v1/machines/nope", 404, "not_found", "laptop, mini");
        refused("/api/v1/services/nope/gateway", 404, "not_found", "laptop, mini");
    }

    @Test
    void portsShowThePlanTheRangesAndWhatTheCleanerSaw() throws Exception {
        state.update(s -> s.withConflicts(List.of("port 18790 on laptop is used by node (pid 7), not in fleet.yaml")));
        JsonNode ports = ok("/api/v1/ports");
        assertThat(ports.path("ports")).extracting(p -> p.path("machine").asText() + "/" + p.path("service").asText())
                .containsExactly("mini/clawd", "laptop/homefleet-controller", "laptop/ollama", "laptop/gateway");
        assertThat(ports.path("ranges").get(0).path("project").asText()).isEqualTo("openclaw");
        assertThat(ports.path("ranges").get(0).path("used")).hasSize(1);
        assertThat(ports.path("observed_conflicts").get(0).asText()).contains("18790");
    }

    @Test
    void eventsFilterByTypeAndCatchUpAfterAnId() throws Exception {
        EventBus bus = new EventBus(store::append);
        FleetEvent first = bus.publish(FleetEvent.of(EventType.SERVICE_DOWN).service("laptop", "gateway")
                .message("gateway down").build());
        bus.publish(FleetEvent.of(EventType.SERVICE_RESTARTED).service("laptop", "gateway").message("restarted")
                .build());
        bus.publish(FleetEvent.of(EventType.SERVICE_UP).service("laptop", "gateway").message("gateway up").build());

        JsonNode all = ok("/api/v1/events").path("events");
        assertThat(all).hasSize(3);
        assertThat(all.get(0).path("type").asText()).isEqualTo("service.down");
        JsonNode after = ok("/api/v1/events?since=" + first.id()).path("events");
        assertThat(after).extracting(e -> e.path("type").asText()).containsExactly("service.restarted", "service.up");
        assertThat(ok("/api/v1/events?type=service.up").path("events")).hasSize(1);
        assertThat(ok("/api/v1/events?limit=2").path("events")).extracting(e -> e.path("type").asText())
                .containsExactly("service.restarted", "service.up");
        assertThat(ok("/api/v1/events?since=" + Instant.now().plusSeconds(60)).path("events")).isEmpty();

        refused("/api/v1/events?limit=0", 400, "bad_request", "limit");
        refused("/api/v1/events?limit=lots", 400, "bad_request", "lots");
        refused("/api/v1/events?type=service.sideways", 400, "bad_request", "service.down");
        refused("/api/v1/events?since=yesterday", 400, "bad_request", "ISO-8601");
        refused("/api/v1/events?since=99999999999999999999999", 400, "bad_request", "event id");
    }

    @Test
    void theConfigIsShownWithReferencesNotSecretValues() throws Exception {
        Answer response = get("/api/v1/config");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("${HOMEFLEET_TELEGRAM_BOT_TOKEN}").doesNotContain("secret-value");
        assertThat(json.readTree(response.body()).path("machines").has("laptop")).isTrue();
    }

    @Test
    void jobsCheckinsAndFailoverHaveTheirOwnAnswers() throws Exception {
        state.update(s -> s.withJob(new FleetState.JobStatus("healer", "0 */2 * * *", now, now, "ok", "nothing down",
                now.plusSeconds(600))));
        long run = store.jobStarted("healer", now);
        store.jobFinished(run, now, "ok", "nothing down", Map.of());
        JsonNode jobs = ok("/api/v1/jobs");
        assertThat(jobs.path("jobs").path("healer").path("outcome").asText()).isEqualTo("ok");
        assertThat(jobs.path("runs")).hasSize(1);
        assertThat(ok("/api/v1/checkins").has("checkins")).isTrue();
        JsonNode failover = ok("/api/v1/failover");
        assertThat(failover.path("failover").isObject()).isTrue();
        assertThat(failover.path("transitions").isArray()).isTrue();
    }
}
