package dev.homefleet.controller.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The demo's Telegram: a Bot API on 127.0.0.1 that delivers to nobody. The demo fleet's {@code alerts.telegram} points
 * here ({@code api_url}), so the controller's alert outbox and the standby's failover alerts run as on a real fleet,
 * and each message the phone would get is told in the terminal instead. It answers the three methods homefleet calls
 * as the Bot API documents them ({@code {"ok":true,"result":...}}): {@code getMe}; {@code sendMessage}, which it
 * tells; {@code getUpdates}, which waits its {@code timeout} and brings nothing, since nobody writes to this bot.
 * Any other method is {@code 404 Not Found}, another token {@code 401 Unauthorized}, as Telegram answers them.
 */
final class DemoTelegram implements AutoCloseable {
    static final long CHAT_ID = 1001;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Telegram holds a getUpdates up to 50 s. */
    private static final Duration MAX_POLL = Duration.ofSeconds(50);

    private final HttpServer server;
    private final ExecutorService pool;
    private final String token;
    private final BiConsumer<Instant, String> tell;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong messageIds = new AtomicLong(1);

    /** @param tell where each message sent is told: its time, and its text as a phone would show it */
    private DemoTelegram(HttpServer server, ExecutorService pool, String token, BiConsumer<Instant, String> tell) {
        this.server = server;
        this.pool = pool;
        this.token = token;
        this.tell = tell;
    }

    static DemoTelegram start(BiConsumer<Instant, String> tell) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[20];
        random.nextBytes(secret);
        String token = (100_000_000 + random.nextInt(900_000_000)) + ":" + HexFormat.of().formatHex(secret);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "demo-telegram");
            thread.setDaemon(true);
            return thread;
        });
        DemoTelegram telegram = new DemoTelegram(server, pool, token, tell);
        server.setExecutor(pool);
        server.createContext("/", telegram::handle);
        server.start();
        return telegram;
    }

    /** What {@code alerts.telegram.api_url} is set to. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What {@code alerts.telegram.bot_token} resolves to. */
    String token() {
        return token;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String prefix = "/bot" + token + "/";
            byte[] request = exchange.getRequestBody().readNBytes(64 * 1024);
            if (!path.startsWith("/bot") || path.indexOf('/', 1) < 0) {
                answer(exchange, 404, error(404, "Not Found"));
                return;
            }
            if (!path.startsWith(prefix)) {
                answer(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            JsonNode body = request.length == 0 ? JSON.createObjectNode() : JSON.readTree(request);
            switch (path.substring(prefix.length())) {
                case "getMe" -> {
                    ObjectNode me = JSON.createObjectNode();
                    me.put("id", Long.parseLong(token.substring(0, token.indexOf(':'))));
                    me.put("is_bot", true);
                    me.put("first_name", "homefleet demo");
                    me.put("username", "homefleet_demo_bot");
                    answer(exchange, 200, ok(me));
                }
                case "sendMessage" -> answer(exchange, 200, ok(sent(body)));
                case "getUpdates" -> {
                    long seconds = Math.min(Math.max(0, body.path("timeout").asLong(0)), MAX_POLL.toSeconds());
                    if (closing.await(seconds, TimeUnit.SECONDS)) {
                        return; // the demo is stopping: the connection just ends
                    }
                    answer(exchange, 200, ok(JSON.createArrayNode()));
                }
                default -> answer(exchange, 404, error(404, "Not Found"));
            }
        } catch (IOException e) {
            // the caller went away (a poll cancelled as the controller stops), or sent something that is not JSON
            try {
                answer(exchange, 400, error(400, "Bad Request: " + e.getMessage()));
            } catch (IOException | RuntimeException ignored) {
                // it is gone
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the message, and answers with it as Telegram does: a Message with its id, date, chat and text. */
    private JsonNode sent(JsonNode body) {
        Instant now = Instant.now();
        String text = body.path("text").asText("");
        String shown = "html".equalsIgnoreCase(body.path("parse_mode").asText("")) ? plain(text) : text;
        tell.accept(now, shown);
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", messageIds.getAndIncrement());
        message.put("date", now.getEpochSecond());
        ObjectNode chat = message.putObject("chat");
        chat.put("id", body.path("chat_id").asLong(CHAT_ID));
        chat.put("type", "private");
        message.put("text", shown);
        return message;
    }

    /** Telegram's HTML parse mode as a phone shows it: the tags gone, the four entities read. */
    static String plain(String html) {
        return html.replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
    }

    private static ObjectNode ok(JsonNode result) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        answer.set("result", result);
        return answer;
    }

    private static ObjectNode error(int code, String description) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", false);
        answer.put("error_code", code);
        answer.put("description", description);
        return answer;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Ends the polls it holds, then stops. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
