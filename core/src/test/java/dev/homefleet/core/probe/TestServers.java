package dev.homefleet.core.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Real servers on 127.0.0.1 for probe tests: an HTTP server with a page per case, a hung one, a closed port. */
final class TestServers implements AutoCloseable {

    static final String JSON = """
            {"status": {"state": "starting", "since": 3}, "items": [{"name": "a"}, {"name": "b"}], "ready": true,
             "nothing": null}""";

    private final HttpServer http;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    /** Completes the TCP handshake (the kernel does, from its backlog) and never answers. */
    private final ServerSocket hung;

    TestServers() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        http.setExecutor(handlers);
        http.createContext("/ok", ex -> answer(ex, 200, "all ok"));
        http.createContext("/down", ex -> answer(ex, 503, "maintenance"));
        http.createContext("/created", ex -> answer(ex, 201, ""));
        http.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/ok");
            answer(ex, 302, "");
        });
        http.createContext("/json", ex -> answer(ex, 200, JSON));
        http.createContext("/slow", ex -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "ok, slowly");
        });
        http.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                byte[] filler = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 24; i++) {
                    out.write(filler);
                }
                out.write("needle".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the probe stopped reading at its limit
            }
        });
        http.start();
        hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    int hungPort() {
        return hung.getLocalPort();
    }

    /** A port nothing listens on: it was bound a moment ago and closed. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        handlers.shutdownNow();
        hung.close();
    }
}
