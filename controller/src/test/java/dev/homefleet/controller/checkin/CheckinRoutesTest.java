package dev.homefleet.controller.checkin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.store.Report;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.CheckinSpec;
import dev.homefleet.core.config.Schedule;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckinRoutesTest {

    /** The seed's example, byte for byte: {@code curl -sf http://localhost:9010/api/log -X POST -H ... -d '...'}. */
    private static final String SEED_BODY = "{\"jobId\":\"cleaner\",\"message\":\"Cleaned 5 orphans\",\"status\":\"ok\"}";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Store store;
    private CheckinTracker tracker;
    private Javalin app;

    @BeforeEach
    void start() {
        store = Store.open(dir.resolve("homefleet.db"));
        tracker = new CheckinTracker(List.of(spec("cleaner"), spec("git-auto-sync")), store,
                new EventBus(store::append), Clock.systemUTC());
        CheckinRoutes routes = new CheckinRoutes(tracker);
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

    private static CheckinSpec spec(String name) {
        return new CheckinSpec(name, "macbook", Schedule.parse("*/15 * * * *"), Duration.ofMinutes(5), null, null,
                null);
    }

    private HttpResponse<String> post(String path, String contentType, BodyPublisher body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, "application/json", BodyPublishers.ofString(body));
    }

    @Test
    void the_seeds_curl_body_is_stored_then_acknowledged_with_its_id() throws Exception {
        HttpResponse<String> response = post("/api/log", SEED_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        Report stored = store.reports(null, 10).get(0);
        assertThat(json.readTree(response.body())).isEqualTo(json.readTree("{\"ok\":true,\"id\":" + stored.id() + "}"));
        assertThat(stored.job()).isEqualTo("cleaner");
        assertThat(stored.status()).isEqualTo("ok");
        assertThat(stored.message()).isEqualTo("Cleaned 5 orphans");
        assertThat(stored.source()).isEqualTo("POST /api/log from 127.0.0.1");
        assertThat(tracker.snapshot().get("cleaner").state()).isEqualTo(CheckinTracker.UP);
    }

    @Test
    void curl_without_a_content_type_header_is_accepted_as_json() throws Exception {
        HttpResponse<String> response = post("/api/log", "application/x-www-form-urlencoded",
                BodyPublishers.ofString(SEED_BODY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(post("/api/log", null, BodyPublishers.ofString(SEED_BODY)).statusCode()).isEqualTo(200);
        assertThat(store.reports("cleaner", 10)).hasSize(2);
    }

    @Test
    void the_v1_route_takes_a_status_and_message_or_nothing_at_all() throws Exception {
        HttpResponse<String> warning = post("/api/v1/checkins/git-auto-sync",
                "{\"status\":\"warning\",\"message\":\"pushed with conflicts\"}");
        HttpResponse<String> ping = post("/api/v1/checkins/git-auto-sync", null, BodyPublishers.noBody());

        assertThat(warning.statusCode()).as(warning.body()).isEqualTo(200);
        assertThat(ping.statusCode()).as(ping.body()).isEqualTo(200);
        assertThat(store.reports("git-auto-sync", 10)).extracting(Report::status, Report::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("warning", "pushed with conflicts"),
                        org.assertj.core.groups.Tuple.tuple("ok", ""));
        assertThat(json.readTree(ping.body()).get("id").asLong())
                .isEqualTo(store.reports("git-auto-sync", 1).get(0).id());
    }

    @ParameterizedTest(name = "{index}: {1} {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"jobId\":\"cleaner\",\"status\":|400|bad_request|the body is not valid JSON: ",
        "{\"jobId\":\"cleaner\"} {\"x\":1}|400|bad_request|the body is not valid JSON: ",
        "[\"cleaner\",\"ok\"]|400|bad_request|the body must be a JSON object, not an array, e.g. {\"status\":\"ok\",\"message\":\"...\"}",
        "{\"jobId\":\"cleaner\",\"status\":\"fine\"}|400|bad_request|status 'fine' is not a report status; use one of ok, warning, critical",
        "{\"jobId\":7,\"status\":\"ok\"}|400|bad_request|jobId must be text, not a number",
        "{\"jobId\":\"cleaner\",\"status\":true}|400|bad_request|status must be text, not true/false",
        "{\"jobId\":\"cleaner\",\"message\":[\"a\"]}|400|bad_request|message must be text, not an array",
        "{\"message\":\"done\",\"status\":\"ok\"}|400|bad_request|jobId is missing: send {\"jobId\":\"NAME\",\"message\":\"...\",\"status\":\"ok\"} with NAME one of fleet.yaml's check-ins",
        "`  `|400|bad_request|the body is empty: send {\"jobId\":\"NAME\",\"message\":\"...\",\"status\":\"ok\"}",
        "{\"jobId\":\"bot-name\",\"message\":\"x\",\"status\":\"ok\"}|404|not_found|no check-in named 'bot-name' in fleet.yaml; the known ones are cleaner, git-auto-sync (add it under checkins: to track it)",
    })
    void a_bad_report_gets_a_4xx_that_says_why_and_is_not_stored(String body, int status, String code,
            String message) throws Exception {
        HttpResponse<String> response = post("/api/log", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).startsWith(message);
        assertThat(store.reports(null, 10)).isEmpty();
        assertThat(store.events(null, null, 10)).isEmpty();
    }

    @Test
    void an_unknown_job_on_the_v1_route_is_a_404_naming_the_known_ones() throws Exception {
        HttpResponse<String> response = post("/api/v1/checkins/backup", "{}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json.readTree(response.body()).at("/error/message").asText())
                .isEqualTo("no check-in named 'backup' in fleet.yaml; the known ones are cleaner, git-auto-sync "
                        + "(add it under checkins: to track it)");
    }

    @Test
    void a_body_of_exactly_64_kib_is_accepted_and_one_byte_more_is_a_413() throws Exception {
        String head = "{\"jobId\":\"cleaner\",\"status\":\"ok\",\"message\":\"";
        String tail = "\"}";
        String fits = head + "x".repeat(CheckinRoutes.MAX_BODY_BYTES - head.length() - tail.length()) + tail;
        assertThat(fits).hasSize(CheckinRoutes.MAX_BODY_BYTES);

        assertThat(post("/api/log", fits).statusCode()).isEqualTo(200);
        HttpResponse<String> tooLarge = post("/api/log", fits.replace("\"}", "x\"}"));

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json.readTree(tooLarge.body()).at("/error/code").asText()).isEqualTo("payload_too_large");
        assertThat(json.readTree(tooLarge.body()).at("/error/message").asText()).isEqualTo("the body is over 64 KiB; "
                + "a report's message should be a summary, with the details left in the job's log");
        assertThat(store.reports(null, 10)).hasSize(1);
    }

    @Test
    void a_chunked_body_over_64_kib_is_a_413_too() throws Exception {
        byte[] big = ("{\"jobId\":\"cleaner\",\"status\":\"ok\",\"message\":\"" + "x".repeat(200_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = post("/api/log", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(store.reports(null, 10)).isEmpty();
    }

    @Test
    void a_report_the_store_cannot_write_is_not_acknowledged() throws Exception {
        store.close();
        HttpResponse<String> response = post("/api/log", SEED_BODY);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json.readTree(response.body()).at("/error/code").asText()).isEqualTo("store_unavailable");
        assertThat(json.readTree(response.body()).at("/error/message").asText())
                .startsWith("the report was not stored: ").endsWith("send it again later");
        assertThat(response.body()).doesNotContain("\"ok\"");
    }
}
