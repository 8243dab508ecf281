package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The primary's check against real listeners on 127.0.0.1: only a 2xx within the timeout is healthy. */
class HttpPrimaryCheckTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private HttpPrimaryCheck check(int port) {
        return new HttpPrimaryCheck(HttpPrimaryCheck.client(TIMEOUT), URI.create("http://127.0.0.1:" + port + "/"),
                TIMEOUT, Clock.systemUTC());
    }

    private int answering(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        open.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }

    @ParameterizedTest(name = "status {0}: ok {1}")
    @CsvSource({"200, true, 200 in", "204, true, 204 in", "302, false, 'status 302, expected 2xx'",
            "404, false, 'status 404, expected 2xx'", "503, false, 'status 503, expected 2xx'"})
    void only_a_2xx_answer_is_healthy(int status, boolean ok, String detail) throws Exception {
        CheckResult result = check(answering(status)).run();
        assertThat(result.ok()).isEqualTo(ok);
        assertThat(result.detail()).startsWith(detail);
    }

    @Test
    void a_closed_port_is_a_refused_connection() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        CheckResult result = check(port).run();
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).isEqualTo("connection refused");
    }

    @Test
    void a_peer_that_accepts_and_never_answers_times_out() throws Exception {
        ServerSocket hung = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        open.add(hung);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(hung.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        CheckResult result = check(hung.getLocalPort()).run();
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).isEqualTo("timed out after 300ms");
        assertThat(result.latencyMs()).isBetween(250L, 3_000L);
        for (Socket s : accepted) {
            s.close();
        }
    }
}
