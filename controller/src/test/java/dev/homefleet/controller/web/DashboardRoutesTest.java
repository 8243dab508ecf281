package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's files as the controller serves them: each at its path with its type, revalidated with an ETag,
 * framed by nobody, and all of what the first load fetches under the issue's 150 KB.
 */
class DashboardRoutesTest {
    private static final Logger log = LoggerFactory.getLogger(DashboardRoutesTest.class);
    static final int FIRST_LOAD_LIMIT = 150 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ControllerWeb web;

    @BeforeAll
    static void start() throws Exception {
        web = new ControllerWeb("127.0.0.1", 0, new Tokens(null, null), List.of(DashboardRoutes::registerWithLogin))
                .start();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(web.url() + path)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @CsvSource({
            "/, index.html, text/html; charset=utf-8, no-cache",
            "/login, login.html, text/html; charset=utf-8, no-cache",
            "/app.css, app.css, text/css; charset=utf-8, no-cache",
            "/app.js, app.js, text/javascript; charset=utf-8, no-cache",
            "/live.js, live.js, text/javascript; charset=utf-8, no-cache",
            "/manifest.webmanifest, manifest.webmanifest, application/manifest+json; charset=utf-8, no-cache",
            "/icon.svg, icon.svg, image/svg+xml, 'public, max-age=86400'",
            "/icon-180.png, icon-180.png, image/png, 'public, max-age=86400'"})
    void each_file_is_served_at_its_path_with_its_type_and_cache_policy(String path, String file, String type,
            String cache) throws Exception {
        HttpResponse<byte[]> response = get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(resource(file));
        assertThat(response.headers().firstValue("Content-Type").map(t -> t.replace(" ", "")))
                .hasValue(type.replace(" ", ""));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue(cache);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void a_file_the_browser_has_is_revalidated_with_its_etag_and_not_sent_again() throws Exception {
        HttpResponse<byte[]> first = get("/app.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> again = get("/app.js", "If-None-Match", etag);

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/app.css", "If-None-Match", etag).statusCode()).as("another file's tag").isEqualTo(200);
    }

    @Test
    void the_pages_may_not_be_framed_and_run_only_their_own_scripts() throws Exception {
        for (String path : List.of("/", "/login")) {
            HttpResponse<byte[]> page = get(path);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("script-src 'self'", "frame-ancestors 'none'", "connect-src 'self' ws: wss:"));
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        }
        // No inline script or style, which that policy would block.
        for (String file : List.of("index.html", "login.html")) {
            String html = new String(resource(file), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style", "style=\"",
                    "onclick=", "onload=");
        }
    }

    @Test
    void every_file_of_the_dashboard_folder_is_served_and_nothing_else() throws Exception {
        Path folder = Path.of(DashboardRoutes.class.getResource("/dashboard/").toURI());
        Set<String> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(Set.copyOf(DashboardRoutes.FILES.values())).isEqualTo(files);
        assertThat(DashboardRoutes.paths()).contains("/", "/login", "/app.js").hasSize(DashboardRoutes.FILES.size());
        assertThat(get("/dashboard/app.js").statusCode()).isEqualTo(404);
        assertThat(get("/nope.js").statusCode()).isEqualTo(404);
    }

    @Test
    void without_its_login_route_the_dashboard_leaves_get_login_to_the_sign_in_routes() throws Exception {
        try (ControllerWeb plain = new ControllerWeb("127.0.0.1", 0, new Tokens(null, null),
                List.of(DashboardRoutes::register, config -> config.routes.get("/login", DashboardRoutes::sendLoginPage)))
                .start()) {
            HttpResponse<byte[]> login = HTTP.send(HttpRequest.newBuilder(URI.create(plain.url() + "/login")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(login.body()).isEqualTo(resource("login.html"));
            assertThat(login.headers().firstValue("Content-Security-Policy")).isPresent();
            HttpResponse<byte[]> file = HTTP.send(HttpRequest.newBuilder(URI.create(plain.url() + "/login.html"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(file.body()).isEqualTo(resource("login.html"));
        }
    }

    @Test
    void only_the_page_itself_needs_a_login_its_assets_and_the_login_page_do_not() {
        assertThat(DashboardRoutes.isPublicAsset("/")).isFalse();
        assertThat(DashboardRoutes.isPublicAsset("/api/v1/fleet")).isFalse();
        assertThat(DashboardRoutes.isPublicAsset("/ws")).isFalse();
        for (String path : List.of("/login", "/login.html", "/app.js", "/app.css", "/manifest.webmanifest", "/icon.svg",
                "/icon-180.png", "/login.js")) {
            assertThat(DashboardRoutes.isPublicAsset(path)).as(path).isTrue();
        }
    }

    @Test
    void the_manifest_makes_the_page_installable_on_a_home_screen() throws Exception {
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(resource("manifest.webmanifest"));
        assertThat(manifest.path("name").asText()).isEqualTo("homefleet");
        assertThat(manifest.path("display").asText()).isEqualTo("standalone");
        assertThat(manifest.path("start_url").asText()).isEqualTo("/");
        assertThat(manifest.path("theme_color").asText()).startsWith("#");
        assertThat(manifest.path("icons").findValuesAsText("sizes")).contains("any", "180x180", "512x512");
        for (var icon : manifest.path("icons")) {
            assertThat(get(icon.path("src").asText()).statusCode()).isEqualTo(200);
        }
        String index = new String(resource("index.html"), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(index).contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">",
                "<link rel=\"apple-touch-icon\" href=\"/icon-180.png\">",
                "<meta name=\"apple-mobile-web-app-capable\" content=\"yes\">");
    }

    /**
     * The first load: the page, what it links (styles, scripts, manifest, icons) and every module the scripts import,
     * followed transitively, counted as the bytes the server sends uncompressed.
     */
    @Test
    void the_first_load_is_under_150_kb() throws Exception {
        Deque<String> todo = new ArrayDeque<>(List.of("/"));
        Set<String> loaded = new LinkedHashSet<>();
        long total = 0;
        Pattern link = Pattern.compile("(?:href|src)=\"(/[^\"]*)\"");
        Pattern module = Pattern.compile("(?:from|import)\\s*\\(?\\s*'\\./([^']+)'");
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!loaded.add(path)) {
                continue;
            }
            HttpResponse<byte[]> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            total += response.body().length;
            String text = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            if (path.equals("/") || path.endsWith(".html")) {
                Matcher m = link.matcher(text);
                while (m.find()) {
                    todo.add(m.group(1));
                }
            } else if (path.endsWith(".js")) {
                Matcher m = module.matcher(text);
                while (m.find()) {
                    todo.add("/" + m.group(1));
                }
            }
        }
        log.info("first load of the dashboard: {} bytes in {} files {}", total, loaded.size(), loaded);
        assertThat(loaded).contains("/", "/app.css", "/app.js", "/dom.js", "/live.js", "/views.js",
                "/manifest.webmanifest", "/icon.svg", "/icon-180.png");
        assertThat(total).isLessThan(FIRST_LOAD_LIMIT);
    }

    @Test
    void the_login_page_posts_the_token_to_login() throws Exception {
        String html = new String(get("/login").body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(html).contains("<form method=\"post\" action=\"/login\"", "name=\"token\"", "type=\"password\"",
                "name=\"next\"");
    }
}
