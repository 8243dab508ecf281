package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The controller's HTTP server on 127.0.0.1. What a LAN client sees is tested from 127.0.0.1 too, with the server
 * told that no address is local: the same request path, only the locality decision differs.
 */
class ControllerWebTest {

    private static final String ADMIN = "admin-6c1f0e9a";
    private static final String VIEWER = "viewer-22d7b3";

    /** Keeps no idle connection, which would hold each server's stop for a second. */
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().connectionPool(new ConnectionPool(0, 1,
            TimeUnit.SECONDS)).callTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<ControllerWeb> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ControllerWeb::close);
    }

    @AfterAll
    static void releaseThreads() {
        HTTP.dispatcher().executorService().shutdown();
    }

    /** A read and a write route, as the API's routes will be. */
    private static final Consumer<JavalinConfig> THINGS = config -> {
        config.routes.get("/api/things", ctx -> ctx.json(Map.of("things", List.of("a", "b"))));
        config.routes.post("/api/things", ctx -> ctx.json(Map.of("received", ctx.body().length())));
        config.routes.get("/api/broken", ctx -> {
            throw new IllegalStateException("the store is closed");
        });
    };

    private ControllerWeb start(Predicate<String> local) throws BindException {
        ControllerWeb web = new ControllerWeb("127.0.0.1", 0, new Tokens(ADMIN, VIEWER), List.of(THINGS), local)
                .start();
        servers.add(web);
        return web;
    }

    private ControllerWeb fromThisMachine() throws BindException {
        return start(ControllerWeb::isLoopback);
    }

    private ControllerWeb fromTheLan() throws BindException {
        return start(address -> false);
    }

    private Response send(ControllerWeb web, String method, String path, String token, String body)
            throws IOException {
        return send(web, method, path, token, body, Map.of());
    }

    private Response send(ControllerWeb web, String method, String path, String token, String body,
            Map<String, String> headers) throws IOException {
        Request.Builder request = new Request.Builder().url(web.url() + path)
                .method(method, body == null ? null : RequestBody.create(body, MediaType.get("application/json")));
        headers.forEach(request::header);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (okhttp3.Response response = HTTP.newCall(request.build()).execute()) {
            return new Response(response.code(), response.headers().toMultimap(), response.body().string());
        }
    }

    /** What came back, read whole. */
    private record Response(int statusCode, Map<String, List<String>> headers, String body) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst();
        }
    }

    private JsonNode error(Response response) throws Exception {
        assertThat(response.header("Content-Type")).get().asString().startsWith("application/json");
        JsonNode body = json.readTree(response.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        return body.get("error");
    }

    @Test
    void health_answers_ok_without_a_token_even_from_the_lan() throws Exception {
        ControllerWeb web = fromTheLan();

        Response response = send(web, "GET", "/health", null, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body())).isEqualTo(json.readTree("{\"status\":\"ok\"}"));
    }

    @Test
    void the_url_names_the_bound_address_and_the_port_it_got() throws Exception {
        ControllerWeb web = fromThisMachine();
        assertThat(web.port()).isPositive();
        assertThat(web.url()).isEqualTo("http://127.0.0.1:" + web.port());
    }

    @Test
    void an_unknown_route_is_a_404_in_the_error_envelope() throws Exception {
        ControllerWeb web = fromThisMachine();

        Response response = send(web, "GET", "/api/nothing-here", null, null);

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = error(response);
        assertThat(error.path("code").asText()).isEqualTo("not_found");
        assertThat(error.path("message").asText()).isEqualTo("no route GET /api/nothing-here");
    }

    @Test
    void a_body_over_64_kib_is_a_413_in_the_error_envelope_and_one_at_the_limit_is_accepted() throws Exception {
        ControllerWeb web = fromTheLan();

        Response tooLarge = send(web, "POST", "/api/things", ADMIN, "x".repeat(64 * 1024 + 1));
        Response atLimit = send(web, "POST", "/api/things", ADMIN, "x".repeat(64 * 1024));

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        JsonNode error = error(tooLarge);
        assertThat(error.path("code").asText()).isEqualTo("too_large");
        assertThat(error.path("message").asText()).isEqualTo("request bodies are limited to 64 KiB");
        assertThat(atLimit.statusCode()).isEqualTo(200);
        assertThat(json.readTree(atLimit.body()).path("received").asInt()).isEqualTo(64 * 1024);
    }

    @Test
    void a_handler_that_throws_is_a_500_in_the_error_envelope_without_its_stack() throws Exception {
        ControllerWeb web = fromThisMachine();

        Response response = send(web, "GET", "/api/broken", null, null);

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode error = error(response);
        assertThat(error.path("code").asText()).isEqualTo("internal");
        assertThat(error.path("message").asText())
                .isEqualTo("GET /api/broken failed: the store is closed; the controller's log has the details");
    }

    @Test
    void from_this_machine_reads_need_no_token_and_writes_only_the_csrf_token_of_the_session_route()
            throws Exception {
        ControllerWeb web = fromThisMachine();

        assertThat(send(web, "GET", "/api/things", null, null).statusCode()).isEqualTo(200);
        JsonNode session = json.readTree(send(web, "GET", "/api/v1/session", null, null).body());
        assertThat(session.path("role").asText()).isEqualTo("admin");
        assertThat(session.path("via").asText()).isEqualTo("loopback");
        Response without = send(web, "POST", "/api/things", null, "{}");
        Response with = send(web, "POST", "/api/things", null, "{}", Map.of("X-CSRF-Token",
                session.path("csrf").asText()));

        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(error(without).path("code").asText()).isEqualTo("csrf");
        assertThat(with.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1} with {2}: {3}")
    @CsvSource(nullValues = "none", value = {
            "GET,  /api/things, none,            401",
            "POST, /api/things, none,            401",
            "GET,  /api/things, wrong-token-1,   401",
            "POST, /api/things, wrong-token-1,   401",
            "GET,  /api/things, " + VIEWER + ",  200",
            "POST, /api/things, " + VIEWER + ",  403",
            "GET,  /api/things, " + ADMIN + ",   200",
            "POST, /api/things, " + ADMIN + ",   200",
    })
    void from_the_lan_viewers_read_and_admins_write(String method, String path, String token, int status)
            throws Exception {
        ControllerWeb web = fromTheLan();

        Response response = send(web, method, path, token, method.equals("POST") ? "{}" : null);

        assertThat(response.statusCode()).isEqualTo(status);
        if (status == 401) {
            assertThat(response.header("WWW-Authenticate")).get().asString().startsWith("Bearer");
            assertThat(error(response).path("code").asText()).isEqualTo("unauthorized");
            assertThat(error(response).path("message").asText()).isEqualTo(token == null
                    ? "sign in at /login, or send Authorization: Bearer TOKEN with the controller's viewer or admin token"
                    : "the bearer token is neither the controller's viewer token nor its admin token");
        } else if (status == 403) {
            assertThat(error(response).path("code").asText()).isEqualTo("forbidden");
            assertThat(error(response).path("message").asText())
                    .isEqualTo("this needs the admin role; a viewer only reads");
        }
        assertThat(response.body()).doesNotContain(ADMIN, VIEWER);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, true", "127.8.9.10, true", "::1, true", "0:0:0:0:0:0:0:1, true",
            "192.168.1.20, false", "10.144.238.116, false", "100.64.0.7, false", "fe80::1, false",
            "not-an-address.invalid, false"})
    void only_loopback_addresses_count_as_this_machine(String address, boolean local) {
        assertThat(ControllerWeb.isLoopback(address)).isEqualTo(local);
    }

    @Test
    void a_null_remote_address_is_not_this_machine() {
        assertThat(ControllerWeb.isLoopback(null)).isFalse();
    }

    @Test
    void a_port_in_use_says_another_controller_may_be_running() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ControllerWeb web = new ControllerWeb("127.0.0.1", taken.getLocalPort(), new Tokens(null, null),
                    List.of());
            servers.add(web);
            assertThatThrownBy(web::start).isInstanceOf(BindException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .hasMessageEndingWith("; is another controller (fleet status) or the old service on that port still running?");
        }
    }
}
