package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.web.Tokens;
import dev.homefleet.controller.web.WebClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet login-link} against a running controller: the link it prints (through controller.sock, no token)
 * signs a browser in once, as an admin or with {@code --viewer} as a viewer, and {@code --url-base} puts it behind
 * another address.
 */
class LoginLinkTest {
    private static final String ADMIN = "admin-link-93c1d0";

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private WebClient web;

    @BeforeEach
    void start() throws Exception {
        fleet = new LocalFleet(dir);
        fleet.write(LocalFleet.head() + """
                        {}
                """ + LocalFleet.QUIET_JOBS);
        fleet.start(new Tokens(ADMIN, null));
        web = WebClient.remote(fleet.daemon().url());
    }

    @AfterEach
    void stop() {
        web.close();
        fleet.close();
    }

    @Test
    void the_printed_link_signs_a_browser_in_once_as_an_admin() {
        LocalFleet.Run run = fleet.fleet("login-link");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String url = run.out().strip();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/login/link/[A-Za-z0-9_-]{43}");
        assertThat(run.err()).startsWith("Signs in as admin, once, until ").contains("tap Sign in")
                .contains("opens only on this machine");
        String path = url.substring(url.indexOf("/login/link/"));
        WebClient.Answer used = web.post(path).send();
        assertThat(used.status()).isEqualTo(303);
        assertThat(used.location()).isEqualTo("/");
        WebClient.Answer session = web.get("/api/v1/session").cookie(used.session().orElseThrow()).send();
        assertThat(session.json().path("role").asText()).isEqualTo("admin");
        assertThat(session.json().path("via").asText()).isEqualTo("session");
        assertThat(web.post(path).send().location()).isEqualTo("/login?error=link");
    }

    @Test
    void with_viewer_the_link_signs_in_a_viewer_even_without_a_viewer_token() {
        String url = fleet.fleet("login-link", "--viewer").out().strip();

        WebClient.Answer used = web.post(url.substring(url.indexOf("/login/link/"))).send();

        WebClient.Answer session = web.get("/api/v1/session").cookie(used.session().orElseThrow()).send();
        assertThat(session.json().path("role").asText()).isEqualTo("viewer");
    }

    @Test
    void url_base_puts_the_link_behind_another_address() {
        LocalFleet.Run run = fleet.fleet("login-link", "--url-base", "https://macbook.tailnet.ts.net/");

        assertThat(run.out().strip()).matches("https://macbook\\.tailnet\\.ts\\.net/login/link/[A-Za-z0-9_-]{43}");
        assertThat(run.err()).doesNotContain("only on this machine");
    }

    @Test
    void a_url_base_that_is_not_http_is_a_usage_error() {
        LocalFleet.Run run = fleet.fleet("login-link", "--url-base", "ftp://macbook");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--url-base must be http://HOST[:PORT] or https://HOST[:PORT], not "
                + "'ftp://macbook'");
    }

    @Test
    void without_a_controller_it_says_how_to_start_one() {
        fleet.daemon().close();

        LocalFleet.Run run = fleet.fleet("login-link");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no controller answers on").contains("fleet controller");
    }
}
