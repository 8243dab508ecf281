package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.homefleet.core.config.FleetConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standby alerts Telegram itself: a takeover is one critical message, the yield its resolution; its bot polls
 * only while this machine is active (the controller, on the failed machine, cannot). The Bot API is a local server
 * answering getMe, sendMessage and getUpdates with the documented shapes.
 */
class TelegramFailoverAlertsTest {
    private static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    @TempDir
    Path dir;

    private HttpServer telegram;
    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private TelegramFailoverAlerts alerts;

    @BeforeEach
    void start() throws IOException {
        telegram = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        telegram.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answer;
            if (path.endsWith("/getMe")) {
                answer = "{\"ok\":true,\"result\":{\"id\":1,\"is_bot\":true,\"first_name\":\"hf\",\"username\":\"hf_bot\"}}";
            } else if (path.endsWith("/getUpdates")) {
                polls.incrementAndGet();
                sleep(100);
                answer = "{\"ok\":true,\"result\":[]}";
            } else {
                synchronized (sent) {
                    sent.add(body);
                }
                answer = "{\"ok\":true,\"result\":{\"message_id\":1,\"date\":0,\"chat\":{\"id\":1001,\"type\":\"private\"}}}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(path.startsWith("/bot" + TOKEN + "/") ? 200 : 401, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        telegram.start();
    }

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        telegram.stop(0);
    }

    @Test
    void a_takeover_is_one_critical_message_the_yield_resolves_it_and_the_bot_polls_only_while_active()
            throws Exception {
        Files.writeString(dir.resolve("token"), TOKEN);
        Files.setPosixFilePermissions(dir.resolve("token"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        FleetConfig fleet = FailoverFleet.parse(FailoverFleet.commandsOnly(dir, 1, "200ms", "150ms", null) + """
                alerts:
                  telegram:
                    bot_token: file:%s
                    chat_ids: [1001]
                    api_url: http://127.0.0.1:%d
                    burst_window: 0s
                """.formatted(dir.resolve("token"), telegram.getAddress().getPort()));
        alerts = TelegramFailoverAlerts.open(fleet, Map.of(), dir, dir.resolve("data"), List::of).orElseThrow();

        alerts.transition(event(FailoverState.STANDBY, FailoverState.SUSPECT, "gw: 1 failed check"));
        alerts.transition(event(FailoverState.SUSPECT, FailoverState.ACTIVE, "gw: mini took over from book"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            synchronized (sent) {
                assertThat(sent).hasSize(1);
                assertThat(sent.get(0)).contains("mini took over from book");
            }
            assertThat(polls.get()).isPositive();
        });

        alerts.transition(event(FailoverState.ACTIVE, FailoverState.RECOVERING, "gw: book answers again"));
        alerts.transition(event(FailoverState.RECOVERING, FailoverState.STANDBY, "gw: mini yielded back to book"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            synchronized (sent) {
                assertThat(sent).hasSize(2);
                assertThat(sent.get(1)).contains("mini yielded back to book");
            }
        });
        // The poller stopped with the yield: no new getUpdates once a poll in flight has ended.
        Thread.sleep(500);
        int after = polls.get();
        Thread.sleep(700);
        assertThat(polls.get()).isEqualTo(after);
    }

    private static FailoverEvent event(FailoverState from, FailoverState to, String message) {
        return new FailoverEvent("gw", "book", null, "mini", null, from, to, FailoverMode.AUTO, Instant.now(),
                "test", 0, 0, "http://127.0.0.1:1/", message, null);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
