package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.controller.web.ControllerWeb.Route;
import dev.homefleet.controller.web.DashboardRoutes;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.controller.web.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route the running controller registers, against its OpenAPI document (both ways) and against the auth
 * matrix: each route asked with no credentials, the viewer's and the admin's token, a wrong token, from this machine
 * without a token, with a viewer's and an admin's session cookie (without, with a wrong and with the right CSRF
 * token), and with the admin token from another site's page. The route list is the web server's own registry, so a
 * route added without a row here, or without its place in openapi.json, fails this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRoutesTest {
    private static final String ADMIN = "admin-matrix-0b7d35";
    private static final String VIEWER = "viewer-matrix-e6a2";

    @TempDir
    static Path dir;

    private LocalFleet fleet;
    private WebClient remote;
    private WebClient local;
    private String viewerSession;
    private String viewerCsrf;
    private String adminSession;
    private String adminCsrf;

    @BeforeAll
    void start() throws Exception {
        fleet = new LocalFleet(dir);
        fleet.writeOneIdleService();
        fleet.start(new Tokens(ADMIN, VIEWER));
        remote = WebClient.remote(fleet.daemon().url());
        local = new WebClient(fleet.daemon().url());
    }

    /** Fresh viewer and admin sessions (a row may be the logout). */
    private void signIn() {
        viewerSession = remote.post("/login").form("token=" + VIEWER).send().session().orElseThrow();
        viewerCsrf = remote.get("/api/v1/session").cookie(viewerSession).send().json().path("csrf").asText();
        adminSession = remote.post("/login").form("token=" + ADMIN).send().session().orElseThrow();
        adminCsrf = remote.get("/api/v1/session").cookie(adminSession).send().json().path("csrf").asText();
    }

    @AfterAll
    void stop() {
        remote.close();
        local.close();
        fleet.close();
    }

    /** What a route is, for who may use it. */
    enum Kind {
        /** Anyone: health and signing in. */
        OPEN,
        /** Any signed-in role; this machine without a token. */
        READ,
        /** The admin; a cookie or this machine without a token also needs the CSRF token. */
        ACT,
        /** The admin, without a CSRF token: what machines post (check-ins, failover transitions). */
        INTAKE,
        /** A WebSocket upgrade, signed in as for a read. */
        WEBSOCKET,
        /** A dashboard page: a signed-in role gets it, nobody is sent to the login page. */
        PAGE
    }

    /** How a request of the matrix is sent. */
    enum Who {
        NOBODY, VIEWER, ADMIN, WRONG_TOKEN, THIS_MACHINE, VIEWER_SESSION, ADMIN_SESSION_NO_CSRF,
        ADMIN_SESSION_WRONG_CSRF, ADMIN_SESSION, ADMIN_FROM_ANOTHER_SITE
    }

    /** One route of the matrix: a concrete path to ask, and what its handler answers once let through. */
    record Row(String method, String template, String path, Kind kind, int answer) {
        Route route() {
            return new Route(method, template);
        }
    }

    private static final List<Row> ROWS = Stream.concat(Stream.of(
            new Row("GET", "/health", "/health", Kind.OPEN, 200),
            new Row("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", Kind.READ, 200),
            // signing in
            new Row("POST", "/login", "/login", Kind.OPEN, 400),
            new Row("POST", "/logout", "/logout", Kind.OPEN, 303),
            new Row("GET", "/login/link/{code}", "/login/link/no-such-code", Kind.OPEN, 410),
            new Row("POST", "/login/link/{code}", "/login/link/no-such-code", Kind.OPEN, 303),
            new Row("GET", "/api/v1/session", "/api/v1/session", Kind.READ, 200),
            new Row("GET", "/metrics", "/metrics", Kind.READ, 200),
            new Row("GET", "/ws", "/ws", Kind.WEBSOCKET, 101),
            // reads
            new Row("GET", "/api/v1/fleet", "/api/v1/fleet", Kind.READ, 200),
            new Row("GET", "/api/v1/machines", "/api/v1/machines", Kind.READ, 200),
            new Row("GET", "/api/v1/machines/{machine}", "/api/v1/machines/here", Kind.READ, 200),
            new Row("GET", "/api/v1/services", "/api/v1/services", Kind.READ, 200),
            new Row("GET", "/api/v1/services/{machine}/{service}", "/api/v1/services/here/web", Kind.READ, 200),
            new Row("GET", "/api/v1/ports", "/api/v1/ports", Kind.READ, 200),
            new Row("GET", "/api/v1/events", "/api/v1/events?limit=5", Kind.READ, 200),
            new Row("GET", "/api/v1/jobs", "/api/v1/jobs", Kind.READ, 200),
            new Row("GET", "/api/v1/checkins", "/api/v1/checkins", Kind.READ, 200),
            new Row("GET", "/api/v1/failover", "/api/v1/failover", Kind.READ, 200),
            new Row("GET", "/api/v1/config", "/api/v1/config", Kind.READ, 200),
            // actions, on targets that do not exist: let through, nothing happens
            new Row("POST", "/api/v1/services/{machine}/{service}/restart", "/api/v1/services/here/none/restart",
                    Kind.ACT, 404),
            new Row("POST", "/api/v1/services/{machine}/{service}/start", "/api/v1/services/here/none/start",
                    Kind.ACT, 404),
            new Row("POST", "/api/v1/services/{machine}/{service}/stop", "/api/v1/services/here/none/stop",
                    Kind.ACT, 404),
            new Row("POST", "/api/v1/jobs/{name}/run", "/api/v1/jobs/none/run", Kind.ACT, 404),
            new Row("POST", "/api/v1/failover/{name}/promote", "/api/v1/failover/none/promote", Kind.ACT, 404),
            new Row("POST", "/api/v1/failover/{name}/demote", "/api/v1/failover/none/demote", Kind.ACT, 404),
            new Row("POST", "/api/v1/failover/{name}/auto", "/api/v1/failover/none/auto", Kind.ACT, 404),
            new Row("POST", "/api/v1/checkins/{name}/pause", "/api/v1/checkins/none/pause", Kind.ACT, 404),
            new Row("POST", "/api/v1/checkins/{name}/resume", "/api/v1/checkins/none/resume", Kind.ACT, 404),
            // what machines post
            new Row("POST", "/api/log", "/api/log", Kind.INTAKE, 400),
            new Row("POST", "/api/v1/checkins/{name}", "/api/v1/checkins/none", Kind.INTAKE, 404),
            new Row("POST", "/api/v1/failover/events", "/api/v1/failover/events", Kind.INTAKE, 400)),
            // the dashboard: the page needs a role, the login page and the files it loads do not
            DashboardRoutes.paths().stream().sorted().map(path ->
                    new Row("GET", path, path, path.equals("/") ? Kind.PAGE : Kind.OPEN, 200))).toList();

    @Test
    void every_registered_route_has_a_row_in_the_matrix_and_every_row_a_route() {
        Set<Route> registered = new TreeSet<>(fleet.daemon().routes());
        Set<Route> rows = new TreeSet<>(ROWS.stream().map(Row::route).toList());

        assertThat(difference(registered, rows)).as("routes without a row in the auth matrix").isEmpty();
        assertThat(difference(rows, registered)).as("rows of routes the controller does not have").isEmpty();
    }

    @Test
    void the_openapi_document_describes_every_registered_route_and_no_other() {
        WebClient.Answer answer = local.get("/api/v1/openapi.json").send();
        assertThat(answer.status()).isEqualTo(200);
        JsonNode doc = answer.json();
        assertThat(doc.path("openapi").asText()).startsWith("3.0.");
        Set<Route> documented = new TreeSet<>();
        Pattern parameter = Pattern.compile("\\{([^}]+)}");
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                JsonNode operation = path.getValue().get(method);
                documented.add(new Route(method.toUpperCase(java.util.Locale.ROOT), path.getKey()));
                assertThat(operation.path("responses").size()).as("responses of %s %s", method, path.getKey())
                        .isPositive();
                Set<String> declared = new TreeSet<>();
                operation.path("parameters").forEach(p -> {
                    if (p.path("in").asText().equals("path")) {
                        declared.add(p.path("name").asText());
                    }
                });
                Set<String> inTemplate = new TreeSet<>();
                Matcher m = parameter.matcher(path.getKey());
                while (m.find()) {
                    inTemplate.add(m.group(1));
                }
                assertThat(declared).as("path parameters of %s %s", method, path.getKey()).isEqualTo(inTemplate);
            }
        }
        Set<Route> registered = new TreeSet<>(fleet.daemon().routes());
        // The dashboard's page and files are for a browser, not part of the API.
        DashboardRoutes.paths().forEach(path -> registered.remove(new Route("GET", path)));

        assertThat(difference(registered, documented)).as("routes missing from openapi.json").isEmpty();
        assertThat(difference(documented, registered)).as("openapi.json routes the controller does not have")
                .isEmpty();
    }

    @Test
    void every_route_answers_each_kind_of_caller_as_its_role_allows() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Row row : ROWS) {
            signIn();
            for (Who who : Who.values()) {
                int expected = expected(row, who);
                int got = row.kind() == Kind.WEBSOCKET ? upgrade(row, who) : send(row, who).status();
                // Failed sign-ins in the matrix are on purpose; the limit on them has its own test.
                fleet.daemon().webAuth().limiter().succeeded(Loopback.HOST);
                if (got != expected) {
                    wrong.add(row.method() + " " + row.path() + " as " + who + ": " + got + ", expected " + expected);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Who may do what: the table the matrix checks, by the kind of route. */
    private static int expected(Row row, Who who) {
        int ok = row.kind() == Kind.WEBSOCKET ? 101 : row.answer();
        boolean write = row.method().equals("POST");
        if (who == Who.ADMIN_FROM_ANOTHER_SITE && write) {
            return 403;
        }
        return switch (row.kind()) {
            case OPEN -> ok;
            case READ, WEBSOCKET -> who == Who.NOBODY || who == Who.WRONG_TOKEN ? 401 : ok;
            case PAGE -> who == Who.NOBODY ? 303 : who == Who.WRONG_TOKEN ? 401 : ok;
            case ACT -> switch (who) {
                case NOBODY, WRONG_TOKEN -> 401;
                case ADMIN, ADMIN_SESSION, ADMIN_FROM_ANOTHER_SITE -> ok;
                default -> 403;
            };
            case INTAKE -> switch (who) {
                case NOBODY, WRONG_TOKEN -> 401;
                case VIEWER, VIEWER_SESSION -> 403;
                default -> ok;
            };
        };
    }

    private WebClient.Answer send(Row row, Who who) {
        WebClient client = who == Who.THIS_MACHINE ? local : remote;
        WebClient.Call call = client.call(row.method(), row.path());
        if (row.method().equals("POST")) {
            call.json("{}");
        }
        switch (who) {
            case VIEWER -> call.bearer(VIEWER);
            case ADMIN -> call.bearer(ADMIN);
            case WRONG_TOKEN -> call.bearer(ADMIN + "x");
            case VIEWER_SESSION -> call.cookie(viewerSession).csrf(viewerCsrf);
            case ADMIN_SESSION_NO_CSRF -> call.cookie(adminSession);
            case ADMIN_SESSION_WRONG_CSRF -> call.cookie(adminSession).csrf(viewerCsrf);
            case ADMIN_SESSION -> call.cookie(adminSession).csrf(adminCsrf);
            case ADMIN_FROM_ANOTHER_SITE -> call.bearer(ADMIN).header("Origin", "https://evil.example");
            default -> { }
        }
        return call.send();
    }

    /** The status of a WebSocket upgrade as {@code who}: 101 when it opened. */
    private int upgrade(Row row, Who who) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        switch (who) {
            case VIEWER -> headers.put("Authorization", "Bearer " + VIEWER);
            case ADMIN -> headers.put("Authorization", "Bearer " + ADMIN);
            case WRONG_TOKEN -> headers.put("Authorization", "Bearer " + ADMIN + "x");
            case ADMIN_FROM_ANOTHER_SITE -> headers.put("Authorization", "Bearer " + ADMIN);
            case VIEWER_SESSION -> headers.put("Cookie", WebClient.SESSION_COOKIE + "=" + viewerSession);
            case ADMIN_SESSION, ADMIN_SESSION_NO_CSRF, ADMIN_SESSION_WRONG_CSRF ->
                    headers.put("Cookie", WebClient.SESSION_COOKIE + "=" + adminSession);
            default -> { }
        }
        return (who == Who.THIS_MACHINE ? local : remote).upgrade(row.path(), headers);
    }

    private static Set<Route> difference(Set<Route> a, Set<Route> b) {
        Set<Route> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
