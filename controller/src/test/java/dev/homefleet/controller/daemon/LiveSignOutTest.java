package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.live.LiveHub;
import dev.homefleet.controller.live.WsClient;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.controller.web.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging out closes the live sockets that sign-in opened, on the running controller: a second tab of the same
 * browser stops streaming the fleet at once (and, reconnecting, is refused), while another sign-in streams on.
 */
class LiveSignOutTest {
    private static final String ADMIN = "admin-signout-5d1e";
    private static final String VIEWER = "viewer-signout-93ab";
    private static final OkHttpClient HTTP = new OkHttpClient();

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private WebClient phone;
    private final List<AutoCloseable> opened = new java.util.ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        if (phone != null) {
            phone.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        HTTP.dispatcher().executorService().shutdown();
        HTTP.connectionPool().evictAll();
    }

    private WsClient live(String session) {
        Request request = new Request.Builder().url("ws://" + phone.hostPort() + LiveHub.PATH)
                .header("Host", "fleet.example" + phone.hostPort().substring(phone.hostPort().lastIndexOf(':')))
                .header("Cookie", "homefleet_session=" + session).build();
        WsClient client = new WsClient(HTTP, request);
        opened.add(client);
        client.next("snapshot");
        return client;
    }

    @Test
    void logout_closes_that_sign_ins_sockets_and_no_others() throws Exception {
        fleet = new LocalFleet(dir);
        fleet.writeOneIdleService();
        fleet.start(new Tokens(ADMIN, VIEWER));
        phone = WebClient.remote(fleet.daemon().url());
        String mine = phone.post("/login").form("token=" + VIEWER).send().session().orElseThrow();
        String other = phone.post("/login").form("token=" + VIEWER).send().session().orElseThrow();
        WsClient firstTab = live(mine);
        WsClient secondTab = live(mine);
        WsClient elsewhere = live(other);

        assertThat(phone.post("/logout").cookie(mine).send().status()).isEqualTo(303);

        for (WsClient tab : List.of(firstTab, secondTab)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> tab.closeCode != null);
            assertThat(tab.closeCode).isEqualTo(LiveHub.SIGNED_OUT);
            assertThat(tab.closeReason).isEqualTo("signed out");
        }
        elsewhere.send("{\"type\":\"ping\"}");
        assertThat(elsewhere.next("pong")).isNotNull();
        assertThat(elsewhere.closeCode).isNull();
        assertThat(phone.upgrade(LiveHub.PATH, java.util.Map.of("Cookie", "homefleet_session=" + mine)))
                .as("the ended session's reconnect").isEqualTo(401);
    }
}
