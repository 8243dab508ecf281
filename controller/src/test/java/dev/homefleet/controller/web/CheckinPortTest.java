package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** controller.checkin_port: the old clawd-status port keeps answering the cron scripts' POST /api/log. */
class CheckinPortTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void both_ports_answer_and_the_main_one_is_the_url() throws Exception {
        int checkinPort = freePort();
        try (ControllerWeb web = new ControllerWeb("127.0.0.1", 0, checkinPort, new Tokens(null, null),
                List.of(config -> config.routes.post("/api/log", ctx -> ctx.json(java.util.Map.of("ok", true)))))
                .start()) {
            assertThat(web.port()).isPositive().isNotEqualTo(checkinPort);
            assertThat(web.url()).isEqualTo("http://127.0.0.1:" + web.port());
            assertThat(get("http://127.0.0.1:" + web.port() + "/health").body()).contains("\"status\":\"ok\"");
            HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + checkinPort
                    + "/api/log")).POST(HttpRequest.BodyPublishers.ofString("{\"jobId\":\"cleaner\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(report.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_taken_checkin_port_is_refused_naming_both_addresses() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            ControllerWeb web = new ControllerWeb("127.0.0.1", 0, taken.getLocalPort(), new Tokens(null, null), List.of());
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(web::start)
                        .isInstanceOf(java.net.BindException.class)
                        .hasMessageContaining("and 127.0.0.1:" + taken.getLocalPort())
                        .hasMessageContaining("the old service on that port still running?");
            } finally {
                web.close();
            }
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
