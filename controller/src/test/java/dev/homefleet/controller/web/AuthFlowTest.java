package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.store.Store;
import io.javalin.config.JavalinConfig;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in and what a signed-in browser may do, over HTTP against the real server. Requests come from 127.0.0.1;
 * the server is told no address is this machine's, so it answers as it would to the phone on Tailscale.
 */
class AuthFlowTest {

    private static final String ADMIN = "admin-6c1f0e9a";
    private static final String VIEWER = "viewer-22d7b3";

    /** A read, a write and a WebSocket, standing in for the API's routes. */
    private static final Consumer<JavalinConfig> THINGS = config -> {
        config.routes.get("/api/things", ctx -> ctx.json(Map.of("things", List.of("a"))));
        config.routes.post("/api/things", ctx -> ctx.json(Map.of("done", true)));
        config.routes.ws("/ws", ws -> ws.onConnect(c -> c.send("hello")));
    };

    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T08:00:00Z"));
    private final List<AutoCloseable> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private WebAuth auth(Tokens tokens, Sessions sessions) {
        return new WebAuth(tokens, sessions, new LoginLinks(clock), LoginLimiter.standard(clock), clock);
    }

    private WebAuth auth() {
        return auth(new Tokens(ADMIN, VIEWER), Sessions.inMemory(clock));
    }

    private WebClient start(WebAuth auth, Predicate<String> local) throws BindException {
        ControllerWeb web = new ControllerWeb("127.0.0.1", 0, null, auth, List.of(THINGS), local).start();
        opened.add(web);
        WebClient client = new WebClient(web.url());
        opened.add(client);
        return client;
    }

    private WebClient fromTheLan(WebAuth auth) throws BindException {
        return start(auth, address -> false);
    }

    private WebClient fromTheLan() throws BindException {
        return fromTheLan(auth());
    }

    private static String signIn(WebClient web, String token) {
        WebClient.Answer answer = web.post("/login").form("token=" + token).send();
        assertThat(answer.status()).isEqualTo(303);
        return answer.session().orElseThrow();
    }

    @Test
    void the_login_form_turns_the_admin_token_into_an_httponly_samesite_strict_session_cookie() throws Exception {
        WebClient web = fromTheLan();

        WebClient.Answer answer = web.post("/login").form("token=" + ADMIN).send();

        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.location()).isEqualTo("/");
        assertThat(answer.setCookie()).get().asString()
                .matches("homefleet_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict");
        assertThat(answer.body()).doesNotContain(ADMIN);
        WebClient.Answer session = web.get("/api/v1/session").cookie(answer.session().orElseThrow()).send();
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.header("Cache-Control")).contains("no-store");
        assertThat(session.json().path("role").asText()).isEqualTo("admin");
        assertThat(session.json().path("via").asText()).isEqualTo("session");
        assertThat(session.json().path("csrf").asText()).hasSize(43);
    }

    @Test
    void after_signing_in_the_form_goes_to_its_next_path_on_this_server_and_never_to_another_site() throws Exception {
        WebClient web = fromTheLan();

        assertThat(web.post("/login").form("token=" + VIEWER + "&next=%2Fservices%3Fm%3Dmacbook").send().location())
                .isEqualTo("/services?m=macbook");
        assertThat(web.post("/login").form("token=" + VIEWER + "&next=%2F%2Fevil.example").send().location())
                .isEqualTo("/");
    }

    @Test
    void a_wrong_token_in_the_form_goes_back_to_the_login_page_saying_so_and_sets_no_cookie() throws Exception {
        WebClient web = fromTheLan();

        WebClient.Answer answer = web.post("/login").form("token=admin-6c1f0e9b&next=%2Fjobs").send();

        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.location()).isEqualTo("/login?error=invalid&next=%2Fjobs");
        assertThat(answer.setCookie()).isEmpty();
    }

    @Test
    void a_json_login_answers_the_session_or_a_401() throws Exception {
        WebClient web = fromTheLan();

        WebClient.Answer viewer = web.post("/login").json("{\"token\":\"" + VIEWER + "\"}").send();
        WebClient.Answer wrong = web.post("/login").json("{\"token\":\"nope\"}").send();

        assertThat(viewer.status()).isEqualTo(200);
        assertThat(viewer.json().path("role").asText()).isEqualTo("viewer");
        assertThat(viewer.json().path("csrf").asText()).hasSize(43);
        assertThat(viewer.session()).isPresent();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("unauthorized");
    }

    @Test
    void five_failed_sign_ins_from_an_address_stop_it_for_a_minute_even_with_the_right_token() throws Exception {
        WebClient web = fromTheLan();
        for (int i = 0; i < 5; i++) {
            assertThat(web.post("/login").form("token=guess-" + i).send().location()).startsWith("/login?error=invalid");
        }

        WebClient.Answer form = web.post("/login").form("token=" + ADMIN).send();
        WebClient.Answer json = web.post("/login").json("{\"token\":\"" + ADMIN + "\"}").send();
        WebClient.Answer bearer = web.get("/api/things").bearer(ADMIN).send();

        assertThat(form.status()).isEqualTo(303);
        assertThat(form.location()).isEqualTo("/login?error=rate");
        assertThat(form.setCookie()).isEmpty();
        assertThat(json.status()).isEqualTo(429);
        assertThat(json.code()).isEqualTo("rate_limited");
        assertThat(json.header("Retry-After")).contains("60");
        assertThat(bearer.status()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(60));
        assertThat(web.post("/login").form("token=" + ADMIN).send().session()).isPresent();
    }

    @Test
    void behind_a_proxy_on_this_machine_failed_sign_ins_count_per_forwarded_address() throws Exception {
        WebClient web = fromTheLan(); // tailscale serve connects from 127.0.0.1 and names the phone in X-Forwarded-For
        for (int i = 0; i < 5; i++) {
            assertThat(web.post("/login").header("X-Forwarded-For", "100.101.5.7").form("token=guess-" + i).send()
                    .location()).startsWith("/login?error=invalid");
        }

        WebClient.Answer guesser = web.post("/login").header("X-Forwarded-For", "100.101.5.7")
                .json("{\"token\":\"" + ADMIN + "\"}").send();
        WebClient.Answer phone = web.post("/login").header("X-Forwarded-For", "203.0.113.9, 100.125.165.107")
                .json("{\"token\":\"" + ADMIN + "\"}").send();

        assertThat(guesser.status()).isEqualTo(429);
        assertThat(guesser.message()).contains("from 100.101.5.7");
        assertThat(phone.status()).as("another phone behind the same proxy").isEqualTo(200);
        assertThat(web.post("/login").header("X-Forwarded-For", "100.101.5.7, not-an-address")
                .json("{\"token\":\"" + ADMIN + "\"}").send().status())
                .as("a last entry that is no address counts as the proxy's own").isEqualTo(200);
    }

    @Test
    void the_cookie_is_secure_when_a_proxy_on_this_machine_ended_https_and_says_so() throws Exception {
        WebClient web = fromTheLan();

        WebClient.Answer https = web.post("/login").header("X-Forwarded-Proto", "https").form("token=" + ADMIN).send();
        WebClient.Answer http = web.post("/login").header("X-Forwarded-Proto", "http").form("token=" + ADMIN).send();

        assertThat(https.setCookie()).get().asString().endsWith("; HttpOnly; SameSite=Strict; Secure");
        assertThat(http.setCookie()).get().asString().endsWith("; HttpOnly; SameSite=Strict");
        assertThat(web.post("/logout").header("X-Forwarded-Proto", "https").cookie(https.session().orElseThrow())
                .send().setCookie()).get().asString().endsWith("; Secure");
    }

    @Test
    void a_viewers_sign_in_does_not_reset_the_count_of_guesses_at_the_admin_token() throws Exception {
        WebClient web = fromTheLan();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3; i++) {
                web.post("/login").form("token=guess-" + round + i).send();
            }
            if (round == 0) {
                assertThat(web.post("/login").form("token=" + VIEWER).send().session()).isPresent();
            }
        }

        assertThat(web.post("/login").json("{\"token\":\"" + ADMIN + "\"}").send().status()).isEqualTo(429);
    }

    @Test
    void wrong_bearer_tokens_count_as_failed_sign_ins() throws Exception {
        WebClient web = fromTheLan();
        for (int i = 0; i < 5; i++) {
            assertThat(web.get("/api/things").bearer("guess-" + i).send().status()).isEqualTo(401);
        }
        assertThat(web.get("/api/things").bearer(VIEWER).send().status()).isEqualTo(429);
    }

    @Test
    void a_cookie_session_acts_only_with_its_csrf_token_in_the_header() throws Exception {
        WebClient web = fromTheLan();
        String session = signIn(web, ADMIN);
        String csrf = web.get("/api/v1/session").cookie(session).send().json().path("csrf").asText();

        WebClient.Answer without = web.post("/api/things").cookie(session).json("{}").send();
        WebClient.Answer wrong = web.post("/api/things").cookie(session).csrf(csrf + "x").json("{}").send();
        WebClient.Answer right = web.post("/api/things").cookie(session).csrf(csrf).json("{}").send();

        assertThat(without.status()).isEqualTo(403);
        assertThat(without.code()).isEqualTo("csrf");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo("csrf");
        assertThat(right.status()).isEqualTo(200);
    }

    @Test
    void a_viewer_session_reads_and_may_not_act() throws Exception {
        WebClient web = fromTheLan();
        String session = signIn(web, VIEWER);
        String csrf = web.get("/api/v1/session").cookie(session).send().json().path("csrf").asText();

        assertThat(web.get("/api/things").cookie(session).send().status()).isEqualTo(200);
        WebClient.Answer write = web.post("/api/things").cookie(session).csrf(csrf).json("{}").send();
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.code()).isEqualTo("forbidden");
    }

    @Test
    void a_write_from_another_sites_page_is_refused_even_with_a_token() throws Exception {
        WebClient web = fromTheLan();
        String host = web.hostPort();

        WebClient.Answer foreign = web.post("/api/things").bearer(ADMIN).header("Origin", "https://evil.example")
                .json("{}").send();
        WebClient.Answer crossSite = web.post("/api/things").bearer(ADMIN).header("Sec-Fetch-Site", "cross-site")
                .json("{}").send();
        WebClient.Answer own = web.post("/api/things").bearer(ADMIN).header("Origin", "http://" + host).json("{}")
                .send();
        WebClient.Answer login = web.post("/login").header("Origin", "https://evil.example").form("token=" + ADMIN)
                .send();

        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("cross_origin");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(own.status()).isEqualTo(200);
        assertThat(login.status()).as("no signing in from another site's form").isEqualTo(403);
        assertThat(login.setCookie()).isEmpty();
    }

    @Test
    void a_page_asked_for_without_signing_in_goes_to_the_login_page_and_the_api_answers_401() throws Exception {
        WebClient web = fromTheLan();

        WebClient.Answer root = web.get("/").send();
        WebClient.Answer deep = web.get("/services?m=macbook").send();
        WebClient.Answer api = web.get("/api/v1/session").send();

        assertThat(root.status()).isEqualTo(303);
        assertThat(root.location()).isEqualTo("/login?next=%2F");
        assertThat(deep.location()).isEqualTo("/login?next=%2Fservices%3Fm%3Dmacbook");
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.code()).isEqualTo("unauthorized");
        assertThat(web.get("/app.css").send().status()).as("the login page's files are public").isNotIn(303, 401);
    }

    @Test
    void the_login_page_and_its_files_are_open_and_framed_by_no_other_site() throws Exception {
        WebClient web = fromTheLan();

        WebClient.Answer page = web.get("/login").send();

        assertThat(page.status()).as("the dashboard's route serves it; here there is none").isEqualTo(404);
        assertThat(page.header("X-Frame-Options")).contains("DENY");
        assertThat(web.get("/login.js").send().status()).isEqualTo(404);
    }

    @Test
    void logout_ends_the_session_and_clears_the_cookie() throws Exception {
        WebClient web = fromTheLan();
        String session = signIn(web, ADMIN);

        WebClient.Answer out = web.post("/logout").cookie(session).send();

        assertThat(out.status()).isEqualTo(303);
        assertThat(out.location()).isEqualTo("/login");
        assertThat(out.setCookie()).get().asString().startsWith("homefleet_session=; Path=/; Max-Age=0;");
        assertThat(web.get("/api/things").cookie(session).send().status()).isEqualTo(401);
    }

    @Test
    void a_login_link_shows_a_button_and_its_post_signs_in_once() throws Exception {
        WebAuth auth = auth();
        WebClient web = fromTheLan(auth);
        LoginLinks.Link link = auth.links().create(Tokens.Role.VIEWER);

        WebClient.Answer page = web.get(link.path()).send();
        WebClient.Answer again = web.get(link.path()).send();
        WebClient.Answer used = web.post(link.path()).send();
        WebClient.Answer reused = web.post(link.path()).send();
        WebClient.Answer gone = web.get(link.path()).send();

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("method=\"post\" action=\"" + link.path() + "\"").contains("viewer");
        assertThat(page.setCookie()).isEmpty();
        assertThat(again.status()).as("a link preview does not use it up").isEqualTo(200);
        assertThat(used.status()).isEqualTo(303);
        assertThat(used.location()).isEqualTo("/");
        String session = used.session().orElseThrow();
        assertThat(web.get("/api/v1/session").cookie(session).send().json().path("role").asText()).isEqualTo("viewer");
        assertThat(reused.location()).isEqualTo("/login?error=link");
        assertThat(reused.setCookie()).isEmpty();
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.body()).contains("fleet login-link");
    }

    @Test
    void a_login_link_ends_after_ten_minutes() throws Exception {
        WebAuth auth = auth();
        WebClient web = fromTheLan(auth);
        LoginLinks.Link link = auth.links().create(Tokens.Role.ADMIN);

        clock.advance(Duration.ofMinutes(10));

        assertThat(web.post(link.path()).send().location()).isEqualTo("/login?error=link");
    }

    @Test
    void this_machine_needs_no_token_only_when_the_host_header_names_loopback_against_dns_rebinding()
            throws Exception {
        WebClient web = start(auth(), ControllerWeb::isLoopback);
        int port = Integer.parseInt(web.hostPort().substring(web.hostPort().indexOf(':') + 1));

        WebClient.Answer plain = web.get("/api/v1/session").send();
        WebClient.Answer localhost = web.get("/api/things").header("Host", "localhost:" + port).send();
        WebClient.Answer rebound = web.get("/api/things").header("Host", "evil.example:" + port).send();
        WebClient.Answer reboundPage = web.get("/").header("Host", "evil.example:" + port).send();

        assertThat(plain.json().path("via").asText()).isEqualTo("loopback");
        assertThat(plain.json().path("role").asText()).isEqualTo("admin");
        assertThat(localhost.status()).isEqualTo(200);
        assertThat(rebound.status()).isEqualTo(401);
        assertThat(reboundPage.status()).isEqualTo(303);
    }

    @Test
    void a_session_survives_a_restart_of_the_controller_and_its_store_but_not_a_new_admin_token()
            throws Exception {
        Path file = dir.resolve("controller.db");
        String session;
        try (Store store = Store.open(file); ControllerWeb web = new ControllerWeb("127.0.0.1", 0, null,
                auth(new Tokens(ADMIN, VIEWER), Sessions.persistent(store, clock)), List.of(THINGS), a -> false);
                WebClient client = new WebClient(web.start().url())) {
            session = signIn(client, ADMIN);
        }
        try (Store store = Store.open(file); ControllerWeb web = new ControllerWeb("127.0.0.1", 0, null,
                auth(new Tokens(ADMIN, VIEWER), Sessions.persistent(store, clock)), List.of(THINGS), a -> false);
                WebClient client = new WebClient(web.start().url())) {
            WebClient.Answer after = client.get("/api/v1/session").cookie(session).send();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.json().path("via").asText()).isEqualTo("session");
        }
        try (Store store = Store.open(file); ControllerWeb web = new ControllerWeb("127.0.0.1", 0, null,
                auth(new Tokens("admin-rotated-5d1e", VIEWER), Sessions.persistent(store, clock)), List.of(THINGS),
                a -> false); WebClient client = new WebClient(web.start().url())) {
            assertThat(client.get("/api/v1/session").cookie(session).send().status()).isEqualTo(401);
        }
    }

    @Test
    void the_websocket_takes_the_session_cookie_and_refuses_nobody_and_other_sites() throws Exception {
        WebClient web = fromTheLan();
        String session = signIn(web, VIEWER);
        String host = web.hostPort();

        assertThat(upgrade(web, null, null)).isEqualTo(401);
        assertThat(upgrade(web, session, "https://evil.example")).isEqualTo(403);
        assertThat(upgrade(web, session, "http://" + host)).isEqualTo(101);
        assertThat(upgrade(web, session, null)).isEqualTo(101);
    }

    /** The status of a WebSocket upgrade of /ws: 101 when it opened. */
    private static int upgrade(WebClient web, String session, String origin) throws Exception {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (session != null) {
            headers.put("Cookie", Cookies.SESSION + "=" + session);
        }
        if (origin != null) {
            headers.put("Origin", origin);
        }
        return web.upgrade("/ws", headers);
    }
}
