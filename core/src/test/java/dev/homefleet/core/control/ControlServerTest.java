package dev.homefleet.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ControlServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir(factory = ShortTempDir.class)
    Path dir;

    private ControlServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    record Status(String machine, long uptimeSeconds) {}

    private ControlServer echoServer(Path socket) throws IOException {
        server = new ControlServer(socket)
                .handle("echo", data -> data)
                .handle("status", data -> new Status("macmini", 42))
                .start();
        return server;
    }

    @Test
    void a_request_is_answered_with_what_its_handler_returns() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        ControlClient client = new ControlClient(socket);

        JsonNode status = client.request("status", null, TIMEOUT);
        JsonNode echoed = client.request("echo", Map.of("service", "ollama"), TIMEOUT);

        assertThat(status.get("machine").asText()).isEqualTo("macmini");
        assertThat(status.get("uptime_seconds").asInt()).as("records are written the homefleet way, snake_case").isEqualTo(42);
        assertThat(echoed.get("service").asText()).isEqualTo("ollama");
    }

    @Test
    void the_envelope_on_the_wire_carries_the_id_status_and_data() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        try (RawConnection raw = new RawConnection(socket)) {
            JsonNode answer = raw.send("{\"id\":7,\"action\":\"echo\",\"data\":{\"a\":1}}\n").answer();
            assertThat(answer.toString()).isEqualTo("{\"id\":7,\"status\":\"ok\",\"data\":{\"a\":1}}");
        }
    }

    @Test
    void the_socket_file_is_readable_and_writable_by_its_owner_only_in_a_new_0700_directory() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("home").resolve(".homefleet").resolve("agent.sock");
        echoServer(socket);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
        try (Stream<Path> left = Files.list(socket.getParent())) {
            assertThat(left).as("no staging directory is left behind").containsExactly(socket);
        }
    }

    @Test
    void an_existing_parent_directory_keeps_its_permissions_and_the_socket_is_still_0600() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxrwxrwx");
    }

    @Test
    void a_stale_socket_file_left_by_a_dead_server_is_replaced_at_start() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).as("closing a channel leaves its file behind, as a crash does").exists();

        echoServer(socket);

        assertThat(new ControlClient(socket).request("echo", Map.of("x", 1), TIMEOUT).get("x").asInt()).isOne();
    }

    @Test
    void a_second_server_refuses_to_start_while_the_first_answers_and_the_first_keeps_working() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);

        ControlServer second = new ControlServer(socket).handle("echo", data -> "second");
        assertThatThrownBy(second::start)
                .isInstanceOf(ControlServer.AlreadyRunningException.class)
                .hasMessage("another server is already answering on " + socket + "; stop it before starting a new one");
        second.close();

        assertThat(socket).exists();
        assertThat(new ControlClient(socket).request("echo", "first", TIMEOUT).asText()).isEqualTo("first");
    }

    @Test
    void a_file_that_is_not_a_socket_is_left_alone_and_the_server_does_not_start() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Files.writeString(socket, "notes");

        assertThatThrownBy(() -> new ControlServer(socket).start())
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(socket).hasContent("notes");
    }

    @Test
    void a_socket_path_longer_than_unix_sockets_allow_is_refused_with_the_limit() {
        Path socket = dir.resolve("d".repeat(100)).resolve("agent.sock");

        assertThatThrownBy(() -> new ControlServer(socket).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is too long")
                .hasMessageContaining("at most 103");
    }

    @Test
    void an_unknown_action_is_answered_with_unknown_action_and_a_suggestion() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);

        assertThatThrownBy(() -> new ControlClient(socket).request("statsu", null, TIMEOUT))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.code()).isEqualTo("unknown_action");
                    assertThat(e.getMessage()).isEqualTo("unknown action 'statsu'; did you mean 'status'?");
                });
    }

    @Test
    void a_malformed_line_gets_bad_request_with_id_null_and_the_connection_stays_usable() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        try (RawConnection raw = new RawConnection(socket)) {
            JsonNode bad = raw.send("{\"id\":1,\"action\":\"echo\"\n").answer();
            assertThat(bad.get("id").isNull()).isTrue();
            assertThat(bad.get("status").asText()).isEqualTo("error");
            assertThat(bad.at("/error/code").asText()).isEqualTo("bad_request");
            assertThat(bad.at("/error/message").asText()).startsWith("request is not JSON: ");

            JsonNode good = raw.send("{\"id\":2,\"action\":\"echo\",\"data\":\"after\"}\n").answer();
            assertThat(good.get("id").asInt()).isEqualTo(2);
            assertThat(good.get("data").asText()).isEqualTo("after");
        }
    }

    @Test
    void a_request_without_an_action_gets_bad_request_with_its_id() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        try (RawConnection raw = new RawConnection(socket)) {
            JsonNode answer = raw.send("{\"id\":\"a-1\",\"data\":{}}\n").answer();
            assertThat(answer.get("id").asText()).isEqualTo("a-1");
            assertThat(answer.at("/error/code").asText()).isEqualTo("bad_request");
            assertThat(answer.at("/error/message").asText()).startsWith("request has no action");
        }
    }

    @Test
    void a_line_longer_than_64_KiB_gets_too_large_and_the_connection_is_closed() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        String huge = "{\"id\":1,\"action\":\"echo\",\"data\":\"" + "x".repeat(70 * 1024) + "\"}\n";
        try (RawConnection raw = new RawConnection(socket)) {
            JsonNode answer = raw.send(huge).answer();
            assertThat(answer.get("id").isNull()).isTrue();
            assertThat(answer.at("/error/code").asText()).isEqualTo("too_large");
            assertThat(answer.at("/error/message").asText())
                    .isEqualTo("request line is longer than 65536 bytes; send at most 64 KiB per request");
            assertThat(raw.answer()).as("the server closed the connection").isNull();
        }
    }

    @Test
    void a_line_of_exactly_64_KiB_is_still_answered() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        String head = "{\"id\":1,\"action\":\"echo\",\"data\":\"";
        String tail = "\"}";
        String line = head + "x".repeat(ControlServer.MAX_REQUEST_BYTES - head.length() - tail.length()) + tail;
        assertThat(line).hasSize(65536);
        try (RawConnection raw = new RawConnection(socket)) {
            assertThat(raw.send(line + "\n").answer().get("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void requests_sent_together_on_one_connection_are_answered_in_order() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        try (RawConnection raw = new RawConnection(socket)) {
            raw.send("{\"id\":1,\"action\":\"echo\",\"data\":\"one\"}\n\n{\"id\":2,\"action\":\"echo\",\"data\":\"two\"}\n");
            assertThat(raw.answer().get("data").asText()).isEqualTo("one");
            assertThat(raw.answer().get("data").asText()).as("the blank line in between is skipped").isEqualTo("two");
        }
    }

    @Test
    void a_handler_that_fails_unexpectedly_becomes_internal_with_a_one_line_message() throws Exception {
        Path socket = dir.resolve("agent.sock");
        server = new ControlServer(socket)
                .handle("restart", data -> {
                    throw new IllegalStateException("pm2 is not running\nsecond line");
                })
                .start();

        assertThatThrownBy(() -> new ControlClient(socket).request("restart", null, TIMEOUT))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.code()).isEqualTo("internal");
                    assertThat(e.getMessage())
                            .isEqualTo("action 'restart' failed: IllegalStateException: pm2 is not running");
                });
    }

    @Test
    void a_handler_that_refuses_with_a_control_exception_keeps_its_code_and_message() throws Exception {
        Path socket = dir.resolve("agent.sock");
        server = new ControlServer(socket)
                .handle("logs", data -> {
                    throw new ControlException("not_found", "no service '" + data.path("service").asText() + "'");
                })
                .start();

        assertThatThrownBy(() -> new ControlClient(socket).request("logs", Map.of("service", "olama"), TIMEOUT))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.code()).isEqualTo("not_found");
                    assertThat(e.getMessage()).isEqualTo("no service 'olama'");
                });
    }

    @Test
    void when_every_worker_is_busy_and_the_queue_is_full_a_new_connection_is_told_busy() throws Exception {
        Path socket = dir.resolve("agent.sock");
        CountDownLatch release = new CountDownLatch(1);
        server = new ControlServer(socket, 1, Duration.ofSeconds(10))
                .handle("block", data -> release.await(20, TimeUnit.SECONDS))
                .start();
        List<RawConnection> held = new ArrayList<>();
        try {
            held.add(new RawConnection(socket).send("{\"id\":1,\"action\":\"block\"}\n"));
            for (int i = 0; i < ControlServer.QUEUED_CONNECTIONS; i++) {
                held.add(new RawConnection(socket));
            }
            try (RawConnection late = new RawConnection(socket)) {
                JsonNode answer = late.answer();
                assertThat(answer.at("/error/code").asText()).isEqualTo("busy");
                assertThat(late.answer()).isNull();
            }
        } finally {
            release.countDown();
            for (RawConnection c : held) {
                c.close();
            }
        }
    }

    @Test
    void the_socket_file_is_removed_on_close() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        assertThat(socket).exists();

        server.close();

        assertThat(socket).doesNotExist();
    }

    @Test
    void close_ends_open_idle_connections() throws Exception {
        Path socket = dir.resolve("agent.sock");
        echoServer(socket);
        try (RawConnection raw = new RawConnection(socket)) {
            raw.send("{\"id\":1,\"action\":\"echo\"}\n").answer();

            server.close();

            assertThat(raw.answer()).isNull();
        }
    }

    @Test
    void a_connection_idle_longer_than_the_idle_timeout_is_closed() throws Exception {
        Path socket = dir.resolve("agent.sock");
        server = new ControlServer(socket, 2, Duration.ofMillis(200)).handle("echo", data -> data).start();
        try (RawConnection raw = new RawConnection(socket)) {
            assertThat(raw.answer()).isNull();
        }
    }
}
