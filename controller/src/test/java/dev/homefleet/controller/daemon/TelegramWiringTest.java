package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running controller sends its events to Telegram and its bot answers: a service that goes down reaches the
 * chat, and /status from the allowed chat is answered with the fleet's state. The Bot API is a local server that
 * answers getMe, sendMessage and getUpdates with the shapes of Telegram's documentation.
 */
class TelegramWiringTest {
    private static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    private static final long CHAT = 1001;

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private HttpServer telegram;
    private final List<String> sent = new ArrayList<>();
    private final AtomicBoolean statusAsked = new AtomicBoolean();

    @BeforeEach
    void setUp() throws IOException {
        fleet = new LocalFleet(dir);
        telegram = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        telegram.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answer;
            if (!path.startsWith("/bot" + TOKEN + "/")) {
                answer = "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}";
            } else if (path.endsWith("/getMe")) {
                answer = "{\"ok\":true,\"result\":{\"id\":1,\"is_bot\":true,\"first_name\":\"hf\",\"username\":\"hf_bot\"}}";
            } else if (path.endsWith("/getUpdates")) {
                answer = statusAsked.getAndSet(true) ? "{\"ok\":true,\"result\":[]}"
                        : "{\"ok\":true,\"result\":[{\"update_id\":7,\"message\":{\"message_id\":3,\"date\":"
                                + (System.currentTimeMillis() / 1000) + ",\"from\":{\"id\":42,\"is_bot\":false,"
                                + "\"first_name\":\"Felipe\"},\"chat\":{\"id\":" + CHAT + ",\"type\":\"private\"},"
                                + "\"text\":\"/status\"}}]}";
                if (answer.endsWith("[]}")) {
                    sleep(200);
                }
            } else {
                synchronized (sent) {
                    sent.add(body);
                }
                answer = "{\"ok\":true,\"result\":{\"message_id\":" + sent.size() + ",\"date\":0,\"chat\":{\"id\":"
                        + CHAT + ",\"type\":\"private\"}}}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        telegram.start();
    }

    @AfterEach
    void tearDown() {
        fleet.close();
        telegram.stop(0);
    }

    @Test
    void a_service_going_down_reaches_the_chat_and_the_bot_answers_status() throws Exception {
        int port = Loopback.freePort();
        fleet.write(LocalFleet.head() + fleet.nodeService("web", port, "") + """
                jobs:
                  checks:
                    schedule: "@every 1s"
                  healer:
                    enabled: false
                  cleaner:
                    enabled: false
                alerts:
                  telegram:
                    bot_token: file:%s
                    chat_ids: [%d]
                    api_url: http://127.0.0.1:%d
                    burst_window: 0s
                """.formatted(tokenFile(), CHAT, telegram.getAddress().getPort()));
        fleet.startService("web", port);
        fleet.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("web").isPresent());

        fleet.process("web").stop();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            synchronized (sent) {
                assertThat(sent).anySatisfy(body -> assertThat(body).contains("here/web", "down"));
                // The answer to /status: the fleet's summary, one line per machine.
                assertThat(sent).anySatisfy(body -> assertThat(body).contains("here ", "services up"));
            }
        });
        synchronized (sent) {
            assertThat(sent).allSatisfy(body -> assertThat(body).doesNotContain(TOKEN));
        }
    }

    private String tokenFile() throws IOException {
        Path file = dir.resolve("telegram.token");
        java.nio.file.Files.writeString(file, TOKEN + "\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
