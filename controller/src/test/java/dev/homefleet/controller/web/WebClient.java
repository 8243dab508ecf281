package dev.homefleet.controller.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * A test's HTTP client for the controller's web server: follows no redirect, keeps no cookie and no idle
 * connection, so each request shows exactly what the server answered to exactly what was sent. {@link #remote} sends
 * a Host header that is not this machine's, so a server on 127.0.0.1 answers as it would to the LAN.
 */
public final class WebClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    public static final String SESSION_COOKIE = Cookies.SESSION;

    public final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false)
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).callTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String hostHeader;

    public WebClient(String base) {
        this(base, null);
    }

    private WebClient(String base, String hostHeader) {
        this.base = base;
        this.hostHeader = hostHeader;
    }

    /** A client whose requests name {@code fleet.example:PORT} as their Host: not this machine, as the LAN is. */
    public static WebClient remote(String base) {
        String hostPort = base.substring(base.indexOf("//") + 2);
        return new WebClient(base, "fleet.example" + hostPort.substring(hostPort.lastIndexOf(':')));
    }

    /** {@code HOST:PORT} of the server, as a browser's Host header names it. */
    public String hostPort() {
        return base.substring(base.indexOf("//") + 2);
    }

    /** A request being put together. */
    public final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RequestBody body;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
            header("Host", hostHeader);
        }

        public Call header(String name, String value) {
            if (value != null) {
                headers.put(name, value);
            }
            return this;
        }

        public Call bearer(String token) {
            return header("Authorization", token == null ? null : "Bearer " + token);
        }

        public Call cookie(String session) {
            return header("Cookie", session == null ? null : Cookies.SESSION + "=" + session);
        }

        public Call csrf(String token) {
            return header("X-CSRF-Token", token);
        }

        public Call json(String text) {
            body = RequestBody.create(text, MediaType.get("application/json"));
            return this;
        }

        public Call form(String text) {
            body = RequestBody.create(text, MediaType.get("application/x-www-form-urlencoded"));
            return this;
        }

        public Call bytes(int size) {
            body = RequestBody.create(new byte[size], MediaType.get("application/octet-stream"));
            return this;
        }

        public Answer send() {
            RequestBody sent = body != null || !requiresBody() ? body : RequestBody.create(new byte[0], null);
            Request.Builder request = new Request.Builder().url(base + path).method(method, sent);
            headers.forEach(request::header);
            try (okhttp3.Response response = http.newCall(request.build()).execute()) {
                return new Answer(response.code(), response.headers().toMultimap(), response.body().string());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path + " failed", e);
            }
        }

        private boolean requiresBody() {
            return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        }
    }

    public Call get(String path) {
        return new Call("GET", path);
    }

    public Call post(String path) {
        return new Call("POST", path);
    }

    public Call call(String method, String path) {
        return new Call(method, path);
    }

    /**
     * Opens a WebSocket on {@code path} with these headers (and this client's Host) and closes it again.
     *
     * @return the status of the upgrade: 101 when it opened
     */
    public int upgrade(String path, Map<String, String> headers) throws Exception {
        Request.Builder request = new Request.Builder().url("ws://" + hostPort() + path);
        if (hostHeader != null) {
            request.header("Host", hostHeader);
        }
        headers.forEach(request::header);
        java.util.concurrent.CompletableFuture<Integer> status = new java.util.concurrent.CompletableFuture<>();
        okhttp3.WebSocket socket = http.newWebSocket(request.build(), new okhttp3.WebSocketListener() {
            @Override
            public void onOpen(okhttp3.WebSocket webSocket, okhttp3.Response response) {
                status.complete(response.code());
            }

            @Override
            public void onFailure(okhttp3.WebSocket webSocket, Throwable t, okhttp3.Response response) {
                status.complete(response == null ? -1 : response.code());
            }
        });
        try {
            return status.get(10, TimeUnit.SECONDS);
        } finally {
            socket.cancel();
        }
    }

    /** What came back, read whole. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst();
        }

        public String location() {
            return header("Location").orElse(null);
        }

        /** The session cookie's value set by this answer, if any. */
        public Optional<String> session() {
            return setCookie().map(c -> c.substring(c.indexOf('=') + 1, c.indexOf(';')));
        }

        public Optional<String> setCookie() {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                    .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith(Cookies.SESSION + "="))
                    .findFirst();
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        /** The error envelope's code. */
        public String code() {
            return json().at("/error/code").asText();
        }

        /** The error envelope's message. */
        public String message() {
            return json().at("/error/message").asText();
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
