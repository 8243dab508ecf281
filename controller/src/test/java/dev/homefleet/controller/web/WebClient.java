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
 * connection, so each request shows exactly what the server answered to exactly what was sent.
 */
final class WebClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false)
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).callTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    WebClient(String base) {
        this.base = base;
    }

    /** {@code HOST:PORT} of the server, as a browser's Host header names it. */
    String hostPort() {
        return base.substring(base.indexOf("//") + 2);
    }

    /** A request being put together. */
    final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RequestBody body;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call header(String name, String value) {
            if (value != null) {
                headers.put(name, value);
            }
            return this;
        }

        Call bearer(String token) {
            return header("Authorization", token == null ? null : "Bearer " + token);
        }

        Call cookie(String session) {
            return header("Cookie", session == null ? null : Cookies.SESSION + "=" + session);
        }

        Call csrf(String token) {
            return header("X-CSRF-Token", token);
        }

        Call json(String text) {
            body = RequestBody.create(text, MediaType.get("application/json"));
            return this;
        }

        Call form(String text) {
            body = RequestBody.create(text, MediaType.get("application/x-www-form-urlencoded"));
            return this;
        }

        Call bytes(int size) {
            body = RequestBody.create(new byte[size], MediaType.get("application/octet-stream"));
            return this;
        }

        Answer send() {
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

    Call get(String path) {
        return new Call("GET", path);
    }

    Call post(String path) {
        return new Call("POST", path);
    }

    Call call(String method, String path) {
        return new Call(method, path);
    }

    /** What came back, read whole. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst();
        }

        String location() {
            return header("Location").orElse(null);
        }

        /** The session cookie's value set by this answer, if any. */
        Optional<String> session() {
            return setCookie().map(c -> c.substring(c.indexOf('=') + 1, c.indexOf(';')));
        }

        Optional<String> setCookie() {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                    .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith(Cookies.SESSION + "="))
                    .findFirst();
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        /** The error envelope's code. */
        String code() {
            return json().at("/error/code").asText();
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
