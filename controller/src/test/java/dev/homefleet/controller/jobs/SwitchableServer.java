package dev.homefleet.controller.jobs;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/** A real HTTP server on 127.0.0.1 whose answer a test sets: a status, or silence (a hung service). */
final class SwitchableServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "switchable-server");
        t.setDaemon(true);
        return t;
    });
    private volatile int status = 200;
    private volatile boolean hung;
    private final Object hang = new Object();

    SwitchableServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            if (hung) {
                synchronized (hang) {
                    try {
                        hang.wait(30_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    SwitchableServer answer(int newStatus) {
        status = newStatus;
        return this;
    }

    SwitchableServer hang(boolean on) {
        hung = on;
        if (!on) {
            synchronized (hang) {
                hang.notifyAll();
            }
        }
        return this;
    }

    @Override
    public void close() {
        hang(false);
        server.stop(0);
        threads.shutdownNow();
    }
}
