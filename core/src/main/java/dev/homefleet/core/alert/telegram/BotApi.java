package dev.homefleet.core.alert.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The three Bot API methods homefleet uses ({@code getMe}, {@code sendMessage}, {@code getUpdates}) over OkHttp,
 * with Telegram's answers ({@code {"ok":false,"error_code":429,...,"parameters":{"retry_after":N}}}) turned into
 * {@link BotApiException}s by what to do about them. Every text that leaves this class is free of the token.
 */
public final class BotApi {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Added to a long poll's own timeout before the client gives up on the call. */
    static final Duration POLL_MARGIN = Duration.ofSeconds(15);
    /** Telegram's limit on one message (after entities are parsed; the HTML is a little longer). */
    public static final int MAX_MESSAGE = 4096;

    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpUrl base;
    private final String shownBase;
    private final BotToken token;
    private final OkHttpClient http;
    private final AtomicReference<Call> poll = new AtomicReference<>();

    /**
     * @param apiUrl the Bot API base URL ({@code https://api.telegram.org}, or a local server in tests)
     * @param http   a shared client; this API sets its own timeouts on a copy that shares the connection pool
     */
    public BotApi(String apiUrl, BotToken token, OkHttpClient http) {
        HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(apiUrl, "apiUrl"));
        if (parsed == null) {
            throw new IllegalArgumentException("'" + apiUrl + "' is not an http(s) URL; fix alerts.telegram.api_url");
        }
        this.base = parsed;
        this.shownBase = parsed.scheme() + "://" + parsed.host() + (parsed.port() == HttpUrl.defaultPort(
                parsed.scheme()) ? "" : ":" + parsed.port());
        this.token = Objects.requireNonNull(token, "token");
        this.http = http.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS) // bounded by each call's timeout instead
                .callTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    public BotToken token() {
        return token;
    }

    /** The bot itself: checks the token, and gives the username commands may be addressed to. */
    public Update.User getMe() throws BotApiException {
        return read(call("getMe", MAPPER.createObjectNode(), CALL_TIMEOUT, false), Update.User.class);
    }

    /**
     * Sends {@code html} (Telegram's HTML parse mode; the caller escapes) to one chat, link previews off.
     *
     * @return the message's id in that chat
     */
    public long sendMessage(long chatId, String html) throws BotApiException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("chat_id", chatId);
        body.put("text", html);
        body.put("parse_mode", "HTML");
        body.putObject("link_preview_options").put("is_disabled", true);
        return call("sendMessage", body, CALL_TIMEOUT, false).path("message_id").asLong();
    }

    /**
     * Long-polls for updates after {@code offset}; returns when there are some or {@code wait} has passed.
     * {@link #cancelPoll()} ends it early (with a {@link BotApiException.Kind#NETWORK} failure).
     */
    public List<Update> getUpdates(long offset, Duration wait) throws BotApiException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("offset", offset);
        body.put("timeout", wait.toSeconds());
        body.putArray("allowed_updates").add("message");
        JsonNode result = call("getUpdates", body, wait.plus(POLL_MARGIN), true);
        List<Update> updates = new ArrayList<>();
        for (JsonNode entry : result) {
            updates.add(read(entry, Update.class));
        }
        return updates;
    }

    /** Ends a {@link #getUpdates} in progress, so a poller can stop at once. */
    public void cancelPoll() {
        Call call = poll.get();
        if (call != null) {
            call.cancel();
        }
    }

    private JsonNode call(String method, ObjectNode body, Duration timeout, boolean isPoll) throws BotApiException {
        HttpUrl url = base.newBuilder().addPathSegment("bot" + token.value()).addPathSegment(method).build();
        Request request = new Request.Builder().url(url)
                .post(RequestBody.create(body.toString(), JSON))
                .build();
        Call call = http.newCall(request);
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (isPoll) {
            poll.set(call);
        }
        String text;
        int status;
        try (Response response = call.execute()) {
            status = response.code();
            text = response.body().string();
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new BotApiException(BotApiException.Kind.NETWORK, 0, null,
                    token.redact(method + ": cannot reach the Bot API at " + shownBase + ": " + why));
        } finally {
            if (isPoll) {
                poll.compareAndSet(call, null);
            }
        }
        return answer(method, status, text);
    }

    private JsonNode answer(String method, int status, String text) throws BotApiException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.has("ok")) {
            BotApiException.Kind kind = status >= 500 || status < 400
                    ? BotApiException.Kind.SERVER
                    : status == 401 || status == 404 ? BotApiException.Kind.UNAUTHORIZED : BotApiException.Kind.REJECTED;
            throw new BotApiException(kind, status, null, token.redact(method + ": " + shownBase
                    + " answered HTTP " + status + " with something other than the Bot API's JSON"
                    + (kind == BotApiException.Kind.UNAUTHORIZED ? "; check alerts.telegram.api_url" : "")));
        }
        if (root.path("ok").asBoolean(false)) {
            return root.path("result");
        }
        int code = root.path("error_code").asInt(status);
        String description = token.redact(root.path("description").asText("no description"));
        JsonNode retry = root.path("parameters").path("retry_after");
        BotApiException.Kind kind;
        if (code == 429) {
            kind = BotApiException.Kind.RATE_LIMITED;
        } else if (code == 409) {
            kind = BotApiException.Kind.CONFLICT;
        } else if (code == 401 || code == 404) {
            kind = BotApiException.Kind.UNAUTHORIZED;
        } else if (code >= 500) {
            kind = BotApiException.Kind.SERVER;
        } else {
            kind = BotApiException.Kind.REJECTED;
        }
        Duration retryAfter = kind == BotApiException.Kind.RATE_LIMITED && retry.canConvertToLong()
                ? Duration.ofSeconds(retry.asLong()) : null;
        String advice = switch (kind) {
            case UNAUTHORIZED -> "; check the bot token (alerts.telegram.bot_token) with @BotFather";
            case CONFLICT -> "; another program polls this bot's updates (or a webhook is set)";
            default -> "";
        };
        throw new BotApiException(kind, code, retryAfter,
                method + ": Telegram answered " + code + " " + description + advice);
    }

    private <T> T read(JsonNode node, Class<T> type) throws BotApiException {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new BotApiException(BotApiException.Kind.SERVER, 200, null,
                    "the Bot API's answer does not read as a " + type.getSimpleName() + ": "
                            + token.redact(e.getOriginalMessage()));
        }
    }
}
