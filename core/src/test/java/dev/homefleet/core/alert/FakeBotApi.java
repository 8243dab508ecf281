package dev.homefleet.core.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A local Bot API: {@code getMe}, {@code sendMessage} and {@code getUpdates} at {@code /bot<TOKEN>/METHOD}, answering
 * with the shapes of Telegram's documentation ({@code {"ok":true,"result":...}}, {@code {"ok":false,"error_code":
 * 429,"description":"Too Many Requests: retry after N","parameters":{"retry_after":N}}}), and failing on demand:
 * scripted answers per method, a whole outage (connections dropped), slow answers. Records every message with the
 * time of the clock it is given (the tests' simulated time).
 */
final class FakeBotApi implements AutoCloseable {

    static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    static final long BOT_ID = 123456789;
    static final String BOT_USERNAME = "homefleet_test_bot";

    /** A message the bot sent. */
    record Sent(long chatId, String text, String parseMode, Instant at) {}

    /** What a scripted answer does. */
    record Answer(int status, String body, boolean drop) {
        static Answer json(int status, String body) {
            return new Answer(status, body, false);
        }

        static Answer dropConnection() {
            return new Answer(0, null, true);
        }

        static Answer error(int code, String description) {
            return json(code, "{\"ok\":false,\"error_code\":" + code + ",\"description\":" + quote(description) + "}");
        }

        static Answer tooManyRequests(int retryAfter) {
            return json(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after "
                    + retryAfter + "\",\"parameters\":{\"retry_after\":" + retryAfter + "}}");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-bot-api");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock;
    private final List<Sent> sent = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Deque<Answer>> scripted = new HashMap<>();
    private final List<ObjectNode> updates = new ArrayList<>();
    private final AtomicLong nextUpdate = new AtomicLong(1000);
    private final AtomicLong nextMessage = new AtomicLong(1);
    private volatile BooleanSupplier down = () -> false;
    private volatile Duration sendDelay = Duration.ZERO;

    FakeBotApi(Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every call fails (the connection is dropped) while {@code isDown} says so. */
    void down(BooleanSupplier isDown) {
        this.down = isDown;
    }

    /** The next call of {@code method} gets {@code answer} (queued after earlier scripted ones). */
    synchronized void script(String method, Answer answer) {
        scripted.computeIfAbsent(method, m -> new ArrayDeque<>()).add(answer);
    }

    /** sendMessage records the message, then takes {@code delay} to answer. */
    void sendDelay(Duration delay) {
        this.sendDelay = delay;
    }

    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    synchronized List<String> texts() {
        return sent.stream().map(Sent::text).toList();
    }

    /** Methods called, in order (with scripted failures and outages). */
    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** A text message from {@code userId} in {@code chatId}, sent now; returns its update id. */
    long message(long chatId, long userId, String text) {
        return message(chatId, userId, text, Instant.now());
    }

    synchronized long message(long chatId, long userId, String text, Instant date) {
        long id = nextUpdate.getAndIncrement();
        ObjectNode update = JSON.createObjectNode();
        update.put("update_id", id);
        ObjectNode message = update.putObject("message");
        message.put("message_id", id);
        message.put("date", date.getEpochSecond());
        message.put("text", text);
        ObjectNode from = message.putObject("from");
        from.put("id", userId);
        from.put("is_bot", false);
        from.put("first_name", "Felipe");
        from.put("username", "user" + userId);
        ObjectNode chat = message.putObject("chat");
        chat.put("id", chatId);
        chat.put("type", chatId > 0 ? "private" : "group");
        updates.add(update);
        notifyAll();
        return id;
    }

    /** Updates Telegram still holds (not yet confirmed by an offset past them). */
    synchronized int pendingUpdates() {
        return updates.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String prefix = "/bot" + TOKEN + "/";
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String method = path.startsWith("/bot") ? path.substring(path.lastIndexOf('/') + 1) : path;
            Answer answer;
            synchronized (this) {
                calls.add(method);
                if (down.getAsBoolean()) {
                    answer = Answer.dropConnection();
                } else {
                    Deque<Answer> queue = scripted.get(method);
                    answer = queue == null ? null : queue.poll();
                }
            }
            if (answer == null) {
                if (!path.startsWith(prefix)) {
                    answer = Answer.error(401, "Unauthorized");
                } else {
                    answer = switch (method) {
                        case "getMe" -> ok("{\"id\":" + BOT_ID + ",\"is_bot\":true,\"first_name\":\"homefleet\","
                                + "\"username\":\"" + BOT_USERNAME + "\"}");
                        case "sendMessage" -> sendMessage(body);
                        case "getUpdates" -> getUpdates(body);
                        default -> Answer.error(404, "Not Found");
                    };
                }
            }
            if (answer.drop()) {
                return; // closing without an answer: the client sees the connection end
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Answer sendMessage(JsonNode body) throws InterruptedException {
        long chat = body.path("chat_id").asLong();
        String text = body.path("text").asText();
        long id;
        synchronized (this) {
            sent.add(new Sent(chat, text, body.path("parse_mode").asText(null), clock.instant()));
            id = nextMessage.getAndIncrement();
        }
        if (!sendDelay.isZero()) {
            Thread.sleep(sendDelay.toMillis());
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("message_id", id);
        result.put("date", clock.instant().getEpochSecond());
        result.putObject("chat").put("id", chat).put("type", "private");
        result.put("text", text);
        return ok(result.toString());
    }

    private Answer getUpdates(JsonNode body) throws InterruptedException {
        long offset = body.path("offset").asLong(0);
        long waitMillis = Math.min(body.path("timeout").asLong(0) * 1000, 2_000); // tests never wait long
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        synchronized (this) {
            updates.removeIf(u -> u.path("update_id").asLong() < offset); // confirmed
            while (updates.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            ArrayNode result = JSON.createArrayNode();
            updates.forEach(result::add);
            return ok(result.toString());
        }
    }

    private static Answer ok(String result) {
        return Answer.json(200, "{\"ok\":true,\"result\":" + result + "}");
    }

    private static String quote(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
