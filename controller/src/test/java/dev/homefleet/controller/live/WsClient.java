package dev.homefleet.controller.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/** A dashboard-like WebSocket client (OkHttp): reads every message as it comes and keeps them in order. */
public final class WsClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every message in order of arrival; a test takes them one by one, by type or in order. */
    private final List<JsonNode> all = new ArrayList<>();
    private final BitSet taken = new BitSet();
    public volatile Integer closeCode;
    public volatile String closeReason;
    volatile Throwable failure;
    private final WebSocket socket;

    WsClient(OkHttpClient http, String url) {
        this(http, new Request.Builder().url(url).build());
    }

    /** A WebSocket opened with this request (its headers: a session cookie, a Host). */
    public WsClient(OkHttpClient http, Request request) {
        this.socket = http.newWebSocket(request, new WebSocketListener() {
            @Override
            public void onMessage(WebSocket webSocket, String text) {
                try {
                    JsonNode node = JSON.readTree(text);
                    synchronized (WsClient.this) {
                        all.add(node);
                        WsClient.this.notifyAll();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                closeCode = code;
                closeReason = reason;
                webSocket.close(1000, null);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                failure = t;
            }
        });
    }

    /** The first message not taken yet, waiting up to {@link #WAIT}. */
    JsonNode next() {
        return take(node -> true, "message");
    }

    /** The first message of a type not taken yet; the others stay for later. */
    public JsonNode next(String type) {
        return take(node -> node.path("type").asText().equals(type), type + " message");
    }

    private synchronized JsonNode take(Predicate<JsonNode> wanted, String what) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (int i = taken.nextClearBit(0); i < all.size(); i = taken.nextClearBit(i + 1)) {
                if (wanted.test(all.get(i))) {
                    taken.set(i);
                    return all.get(i);
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + WAIT + (failure == null ? "" : "; failed: " + failure)
                        + "; received " + all);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** All messages received so far, taken or not. */
    synchronized List<JsonNode> received() {
        return List.copyOf(all);
    }

    public void send(String text) {
        socket.send(text);
    }

    /** Subscribes and returns the server's answer. */
    public JsonNode subscribe(String... topics) {
        send("{\"type\":\"subscribe\",\"topics\":" + list(topics) + "}");
        return next("subscribed");
    }

    JsonNode unsubscribe(String... topics) {
        send("{\"type\":\"unsubscribe\",\"topics\":" + list(topics) + "}");
        return next("subscribed");
    }

    /**
     * Everything not taken that the server queued before this call, in order, and takes it: the pong comes after
     * it all, for a client's messages go through one queue.
     */
    List<JsonNode> drain() {
        send("{\"type\":\"ping\"}");
        JsonNode pong = next("pong");
        synchronized (this) {
            int end = 0;
            while (all.get(end) != pong) {
                end++;
            }
            List<JsonNode> before = new ArrayList<>();
            for (int i = taken.nextClearBit(0); i < end; i = taken.nextClearBit(i + 1)) {
                taken.set(i);
                before.add(all.get(i));
            }
            return before;
        }
    }

    private static String list(String... topics) {
        try {
            return JSON.writeValueAsString(topics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.close(1000, "test over");
    }
}
